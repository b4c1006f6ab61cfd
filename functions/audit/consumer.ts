import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { nowIso } from '../shared/clock';
import { optionalEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { changeOf, UnattributableRecord } from './audit-entry';
import { DEFAULT_RETENTION_DAYS, recordChange } from './audit-log';

/**
 * The audit log's stream consumer (docs/architecture.md#audit-log): one append-only entry per change of the single table.
 * Powertools' BatchProcessor reports partial batch failures; the event source mapping (lib/constructs/
 * audit.ts, locally local/consumers.ts) retries from the first failed record, bisects, and sends what
 * keeps failing to its on-failure destination. Derived entity types never arrive (event filter).
 *
 * Records are processed one after another, in stream order. Once a change of an entity fails, the
 * entity's later changes in the same batch fail too (they are retried after it), so a chain never
 * records an entity's changes out of order; other entities carry on. A redelivered record appends
 * nothing (its eventID is recorded with the entry).
 */

const retentionDays = Number(optionalEnv('AUDIT_RETENTION_DAYS', String(DEFAULT_RETENTION_DAYS)));
if (!Number.isFinite(retentionDays) || retentionDays <= 0) throw new Error('AUDIT_RETENTION_DAYS must be a positive number of days');

export const handler = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  const blocked = new Set<string>();

  const recordHandler = async (record: DynamoDBRecord): Promise<void> => {
    let change;
    try {
      change = changeOf(record, nowIso);
    } catch (error) {
      if (error instanceof UnattributableRecord) logger.error('Audit: unattributable stream record', { eventId: record.eventID, error: error.message });
      throw error;
    }
    const entity = `${change.entityType}/${change.entityId}`;
    if (blocked.has(entity)) throw new Error(`An earlier change of ${entity} in this batch failed; ${change.eventId} waits for it`);
    try {
      const result = await recordChange(change, { retentionDays });
      logger.debug('Audit: change recorded', { eventId: change.eventId, entity, action: change.action, result });
    } catch (error) {
      blocked.add(entity);
      logger.warn('Audit: could not record a change', { eventId: change.eventId, entity, error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  };

  // A processor per invocation: it holds the batch's state, and the local runtime may run invocations concurrently.
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return processPartialResponse(event, recordHandler, processor, { context, processInParallel: false });
};
