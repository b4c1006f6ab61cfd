import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { nowIso } from '../shared/clock';
import { logger } from '../shared/logger';
import { incrementsOf, UncountableRecord } from './metrics';
import { countOnce } from './metrics-repository';

/**
 * The daily metrics' stream consumer (docs/architecture.md#analytics-and-exports). Only orders, payments, refunds, approvals and
 * tickets reach it (event source filter, functions/shared/schema/stream-consumers.ts METRICS_CONSUMER); derived
 * items such as the metrics themselves never do. Each record's increments are added once
 * (metrics-repository.ts: one transaction with a marker keyed by the eventID), so the at-least-once
 * delivery of the event source mapping — retries from the first failed record, bisected batches,
 * replays — never counts a change twice. Powertools' BatchProcessor reports partial batch failures:
 * a record that cannot be counted fails alone and, after the retries, goes to the dead-letter queue.
 */
export const handler = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);

  const recordHandler = async (record: DynamoDBRecord): Promise<void> => {
    let increments;
    try {
      increments = incrementsOf(record);
    } catch (error) {
      if (error instanceof UncountableRecord) logger.error('Metrics: uncountable stream record', { eventId: record.eventID, error: error.message });
      throw error;
    }
    if (increments.length === 0) return;
    if (!record.eventID) throw new Error('A stream record without an eventID cannot be counted once');
    const result = await countOnce(record.eventID, increments, nowIso());
    logger.debug('Metrics: record counted', { eventId: record.eventID, result, increments });
  };

  // A processor per invocation: it holds the batch's state, and the local runtime may run invocations concurrently.
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return processPartialResponse(event, recordHandler, processor, { context, processInParallel: false });
};
