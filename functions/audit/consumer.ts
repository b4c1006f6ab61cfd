import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { nowIso } from '../shared/clock';
import { optionalEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { changeOf, UnattributableRecord, type Change } from './audit-entry';
import { DEFAULT_RETENTION_DAYS, recordBatch } from './audit-log';

/**
 * The audit log's stream consumer (docs/architecture.md#audit-log): one append-only entry per change of the single table.
 * Powertools' BatchProcessor reports partial batch failures; the event source mapping (lib/constructs/
 * audit.ts, locally local/consumers.ts) retries from the first failed record, bisects, and sends what
 * keeps failing to its on-failure destination. Derived entity types never arrive (event filter).
 *
 * Order matters only within one entity's chain, so a batch is split into chains, each in stream order,
 * and recorded together (audit-log.ts recordBatch: one read of every chain's state, the appends of
 * several chains per transaction, transactions sent at once). When a chain fails, all its records in
 * the batch fail (they are retried together, so a chain never records an entity's changes out of
 * order); other chains carry on. A redelivered record appends nothing (its eventID is recorded with
 * the entry).
 */

const retentionDays = Number(optionalEnv('AUDIT_RETENTION_DAYS', String(DEFAULT_RETENTION_DAYS)));
if (!Number.isFinite(retentionDays) || retentionDays <= 0) throw new Error('AUDIT_RETENTION_DAYS must be a positive number of days');

/** The batch's changes by entity (each in stream order), then recorded together; the failure of each record not recorded. */
async function recordRecords(records: readonly DynamoDBRecord[]): Promise<Map<DynamoDBRecord, Error>> {
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
  const groups = [...chains.values()];
  let outcome: Array<Error | undefined>;
  try {
    outcome = await recordBatch(groups.map((g) => g.changes), { retentionDays });
  } catch (error) {
    outcome = groups.map(() => (error instanceof Error ? error : new Error(String(error))));
  }
  groups.forEach((group, index) => {
    const failure = outcome[index];
    if (!failure) return;
    logger.warn('Audit: could not record the changes of an entity', { entity: `${group.changes[0]!.entityType}/${group.changes[0]!.entityId}`, changes: group.changes.length, error: failure.message });
    for (const record of group.records) failures.set(record, failure);
  });
  logger.debug('Audit: batch recorded', { records: records.length, entities: groups.length, failed: failures.size });
  return failures;
}

export const handler = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  const failures = await recordRecords(event.Records);
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
