import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../shared/logger';
import { attemptDelivery } from './deliver';
import type { DeliveryMessage } from './model';
import { deliveryQueue } from './queue';

/**
 * The webhook delivery worker (docs/modules/webhooks.md#delivery), fed by the delivery queue (SQS
 * with ReportBatchItemFailures; locally local/queue.ts). Each message names one delivery; the batch's
 * messages are attempted in parallel, so one slow endpoint does not hold up the others. A delivery to
 * retry hides its message for the retry's delay (ChangeMessageVisibility) and reports it failed, so
 * the queue hands it back when the retry is due; a message reported done is deleted. A message that
 * keeps failing (not a delivery: the worker itself) goes to the dead-letter queue after the redrive
 * policy's receives (functions/shared/schema/webhook-queue.ts).
 */

/** Not an error: the record is reported failed so the queue brings it back after the delay set. */
class RetryLater extends Error {
  constructor(delaySeconds: number) {
    super(`Retry in ${delaySeconds} s`);
    this.name = 'RetryLater';
  }
}

function messageOf(record: SQSRecord): DeliveryMessage {
  const body = JSON.parse(record.body) as Partial<DeliveryMessage>;
  if (typeof body.endpointId !== 'string' || typeof body.eventSortKey !== 'string') throw new Error(`Message ${record.messageId} names no delivery`);
  return { endpointId: body.endpointId, eventSortKey: body.eventSortKey };
}

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);

  const recordHandler = async (record: SQSRecord): Promise<void> => {
    let message: DeliveryMessage;
    try {
      message = messageOf(record);
    } catch (error) {
      logger.error('Webhooks: unreadable delivery message', { messageId: record.messageId, error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
    const result = await attemptDelivery(message, { requestId: context.awsRequestId });
    if (result.outcome === 'retry') {
      await deliveryQueue().retryLater(record.receiptHandle, result.delaySeconds);
      throw new RetryLater(result.delaySeconds);
    }
  };

  // A processor per invocation: it holds the batch's state, and the local queue runs invocations concurrently.
  const processor = new BatchProcessor(EventType.SQS);
  // A batch that is all retries is an answer, not a failed invocation.
  return processPartialResponse(event, recordHandler, processor, { context, processInParallel: true, throwOnFullBatchFailure: false });
};
