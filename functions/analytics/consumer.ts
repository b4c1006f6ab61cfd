import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { nowIso } from '../shared/clock';
import { logger } from '../shared/logger';
import { incrementsOf, UncountableRecord, type DayIncrements } from './metrics';
import { countAllOnce, countOnce, type CountableRecord } from './metrics-repository';

/**
 * The daily metrics' stream consumer (docs/architecture.md#analytics-and-exports). Only orders, payments, refunds, approvals and
 * tickets reach it (event source filter, functions/shared/schema/stream-consumers.ts METRICS_CONSUMER); derived
 * items such as the metrics themselves never do. Each record's increments are added once (a marker
 * keyed by the eventID commits with the counters, metrics-repository.ts), so the at-least-once
 * delivery of the event source mapping — retries from the first failed record, bisected batches,
 * replays — never counts a change twice.
 *
 * Counting commutes, so a batch is counted together: one read of its markers and one transaction
 * (two past 100 actions) with the summed counters. If that fails, each record is counted on its own,
 * and Powertools' BatchProcessor reports the ones that fail: a record that cannot be counted fails
 * alone and, after the retries, goes to the dead-letter queue.
 */
function incrementsOrThrow(record: DynamoDBRecord): DayIncrements[] {
  try {
    return incrementsOf(record);
  } catch (error) {
    if (error instanceof UncountableRecord) logger.error('Metrics: uncountable stream record', { eventId: record.eventID, error: error.message });
    throw error;
  }
}

/** The batch counted at once; false when some record needs its own attempt (the records one by one report which). */
async function countTogether(records: readonly DynamoDBRecord[]): Promise<boolean> {
  const countable: CountableRecord[] = [];
  try {
    for (const record of records) {
      const increments = incrementsOf(record);
      if (increments.length === 0) continue;
      if (!record.eventID) return false;
      countable.push({ eventId: record.eventID, increments });
    }
    const counted = await countAllOnce(countable, nowIso());
    logger.debug('Metrics: batch counted', { records: records.length, counted });
    return true;
  } catch (error) {
    logger.warn('Metrics: the batch could not be counted at once; counting record by record', { error: error instanceof Error ? error.message : String(error) });
    return false;
  }
}

export const handler = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  if (await countTogether(event.Records)) return { batchItemFailures: [] };

  const recordHandler = async (record: DynamoDBRecord): Promise<void> => {
    const increments = incrementsOrThrow(record);
    if (increments.length === 0) return;
    if (!record.eventID) throw new Error('A stream record without an eventID cannot be counted once');
    const result = await countOnce(record.eventID, increments, nowIso());
    logger.debug('Metrics: record counted', { eventId: record.eventID, result, increments });
  };

  // A processor per invocation: it holds the batch's state, and the local runtime may run invocations concurrently.
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return processPartialResponse(event, recordHandler, processor, { context, processInParallel: false });
};
