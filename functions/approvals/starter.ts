import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../shared/logger';
import { startWorkflow } from './workflow-client';

/**
 * Starts the workflow of each new approval (the outbox of docs/architecture.md#approvals; definition APPROVAL_STARTER_CONSUMER in
 * functions/shared/schema/stream-consumers.ts). Requests write the approval in the same transaction as the subject's
 * pending state, so an approval exists exactly when its subject waits for it; this consumer is what
 * guarantees a workflow for it. The execution is named after the approval: a redelivered record finds it
 * already started (StartExecution with the same name and input is idempotent on a Standard workflow).
 */
export const handler = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  const recordHandler = async (record: DynamoDBRecord): Promise<void> => {
    const approvalId = record.dynamodb?.NewImage?.id?.S;
    if (record.eventName !== 'INSERT' || !approvalId) return;
    await startWorkflow(approvalId);
    logger.info('Approval workflow started', { approvalId, eventId: record.eventID });
  };
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return processPartialResponse(event, recordHandler, processor, { context, processInParallel: true });
};
