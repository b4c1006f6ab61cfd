import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import pLimit from 'p-limit';
import { nowIso } from '../shared/clock';
import { optionalEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { changeOf, UnattributableRecord, type Change } from './audit-entry';
import { DEFAULT_RETENTION_DAYS, recordChanges } from './audit-log';

/**
 * The audit log's stream consumer (docs/architecture.md#audit-log): one append-only entry per change of the single table.
 * Powertools' BatchProcessor reports partial batch failures; the event source mapping (lib/constructs/
 * audit.ts, locally local/consumers.ts) retries from the first failed record, bisects, and sends what
 * keeps failing to its on-failure destination. Derived entity types never arrive (event filter).
 *
 * Order matters only within one entity's chain, so a batch is split into chains: each chain's changes
 * are appended in stream order, several in one transaction, and different chains at once (up to
 * CHAIN_CONCURRENCY). When a chain fails, all its records in the batch fail (they are retried
 * together, so a chain never records an entity's changes out of order); other chains carry on. A
 * redelivered record appends nothing (its eventID is recorded with the entry).
 */

const retentionDays = Number(optionalEnv('AUDIT_RETENTION_DAYS', String(DEFAULT_RETENTION_DAYS)));
if (!Number.isFinite(retentionDays) || retentionDays <= 0) throw new Error('AUDIT_RETENTION_DAYS must be a positive number of days');

/** Chains of a batch appended at once: enough to hide DynamoDB's latency, few enough not to throttle a hot table. */
const CHAIN_CONCURRENCY = 16;

/** Records an entity's changes; the failure of each record that could not be recorded. */
async function recordBatch(records: readonly DynamoDBRecord[]): Promise<Map<DynamoDBRecord, Error>> {
  const failures = new Map<DynamoDBRecord, Error>();
  const chains = new Map<string, { changes: Change[]; records: DynamoDBRecord[] }>();
  for (const record of records) {
    let change: Change;
    try {
      change = changeOf(record, nowIso);
    } catch (error) {
      if (error instanceof UnattributableRecord) logger.error('Audit: unattributable stream record', { eventId: record.eventID, error: error.message });
      failures.set(record, error instanceof Error ? error : new Error(String(error)));
      continue;
    }
    const entity = `${change.entityType}/${change.entityId}`;
    const chain = chains.get(entity) ?? { changes: [], records: [] };
    chain.changes.push(change);
    chain.records.push(record);
    chains.set(entity, chain);
  }
  const limit = pLimit(CHAIN_CONCURRENCY);
  await Promise.all(
    [...chains].map(([entity, chain]) =>
      limit(async () => {
        try {
          const result = await recordChanges(chain.changes, { retentionDays });
          logger.debug('Audit: changes recorded', { entity, ...result });
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          logger.warn('Audit: could not record the changes of an entity', { entity, changes: chain.changes.length, error: failure.message });
          for (const record of chain.records) failures.set(record, failure);
        }
      }),
    ),
  );
  return failures;
}

export const handler = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  const failures = await recordBatch(event.Records);
  // Powertools shapes the answer: the failed records as batch item failures, or the whole batch failed when all did.
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return processPartialResponse(
    event,
    async (record: DynamoDBRecord) => {
      const failure = failures.get(record);
      if (failure) throw failure;
    },
    processor,
    { context, processInParallel: false },
  );
};
