import { handler as metricsConsumer } from '../functions/analytics/consumer';
import { handler as approvalStarter } from '../functions/approvals/starter';
import { handler as auditConsumer } from '../functions/audit/consumer';
import { handler as exportWorker } from '../functions/exports/worker';
import { handler as partnerEventsConsumer } from '../functions/webhooks/consumer';
import {
  APPROVAL_STARTER_CONSUMER,
  AUDIT_CONSUMER,
  EXPORT_WORKER_CONSUMER,
  EXPORT_WORKER_TIMEOUT_SECONDS,
  METRICS_CONSUMER,
  PARTNER_EVENTS_CONSUMER,
  type StreamConsumerDefinition,
} from '../functions/shared/schema/stream-consumers';
import type { StreamConsumer, StreamHandler } from './stream-poller';
import { STREAM_RECORDER_ENV, streamRecorder } from './stream-recorder';

/**
 * The stream consumers the local runtime runs: the local twin of the CDK stack's DynamoDB event
 * source mappings (same batch size, filters, retries and bisect, from functions/shared/schema/stream-consumers.ts;
 * the failure destination is `<data dir>/failures/<name>.jsonl`). Loaded after the environment is
 * set, so importing a module's handler here is safe.
 */
function fromDefinition(definition: StreamConsumerDefinition, handler: StreamHandler): StreamConsumer {
  return {
    name: definition.name,
    handler,
    batchSize: definition.batchSize,
    maxRetries: definition.retryAttempts,
    bisectOnError: definition.bisectOnError,
    parallelizationFactor: definition.parallelizationFactor,
    filter: {
      excludeEntityTypes: definition.excludeEntityTypes,
      ...(definition.entityTypes ? { entityTypes: definition.entityTypes } : {}),
      ...(definition.eventNames ? { eventNames: definition.eventNames } : {}),
    },
  };
}

export async function localStreamConsumers(): Promise<StreamConsumer[]> {
  // BACKOFFICE_STREAM_RECORDER=<file>: also record every delivery (local/stream-recorder.ts).
  const recorder = process.env[STREAM_RECORDER_ENV];
  return [
    fromDefinition(APPROVAL_STARTER_CONSUMER, approvalStarter),
    fromDefinition(AUDIT_CONSUMER, auditConsumer),
    fromDefinition(METRICS_CONSUMER, metricsConsumer),
    fromDefinition(PARTNER_EVENTS_CONSUMER, partnerEventsConsumer),
    { ...fromDefinition(EXPORT_WORKER_CONSUMER, exportWorker), timeoutMs: EXPORT_WORKER_TIMEOUT_SECONDS * 1000 },
    ...(recorder ? [streamRecorder(recorder)] : []),
  ];
}
