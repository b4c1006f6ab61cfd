import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

/** The old and new item of a stream record, as plain objects (absent on insert / remove). */
export function imagesOf(record: DynamoDBRecord): { before?: Record<string, unknown>; after?: Record<string, unknown> } {
  const image = (value: unknown) => (value ? unmarshall(value as Record<string, AttributeValue>) : undefined);
  return { before: image(record.dynamodb?.OldImage), after: image(record.dynamodb?.NewImage) };
}
