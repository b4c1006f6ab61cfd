import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

/** The bare minimum a DynamoDB-backed handler loads: the baseline for init-time ratios. */
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export async function handler(event: { id: string }) {
  return client.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: event.id, sk: event.id } }));
}
