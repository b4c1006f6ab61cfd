import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

/** A DynamoDB stream record as Lambda delivers it, from plain before/after items. */
export function streamRecord(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined, eventID = `${Math.random()}`): DynamoDBRecord {
  const image = (item?: Record<string, unknown>) => (item ? (marshall(item, { removeUndefinedValues: true }) as never) : undefined);
  return {
    eventID,
    eventName: !before ? 'INSERT' : !after ? 'REMOVE' : 'MODIFY',
    eventSource: 'aws:dynamodb',
    dynamodb: { Keys: {}, NewImage: image(after), OldImage: image(before), SequenceNumber: '1', StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
}
