import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionFailed } from '../shared/conditional';
import { documentClient, tableName } from '../shared/db';
import { getRecord } from '../shared/item-repository';
import { approvalKeys } from '../shared/keys';
import { stampOf, type WriteContext } from '../shared/write-context';
import type { PolicyDocument } from './schemas';

/** The stored approval policy: one item, versioned (absent while the defaults are in force). */
export interface PolicyRecord extends PolicyDocument {
  version: number;
  updatedAt: string;
  updatedBy: string;
}

export function findPolicy(): Promise<PolicyRecord | undefined> {
  return getRecord<PolicyRecord>(approvalKeys.policy());
}

/** Stores the policy as version `expectedVersion + 1`; version 0 means "no policy stored yet". */
export async function putPolicy(policy: PolicyDocument, expectedVersion: number, ctx: WriteContext): Promise<PolicyRecord> {
  const record: PolicyRecord = { kinds: policy.kinds, version: expectedVersion + 1, ...stampOf(ctx) } as PolicyRecord;
  try {
    await documentClient.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...approvalKeys.policy(), entityType: 'approval_policy', ...record },
        ...(expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') throw new ConditionFailed(undefined);
    throw error;
  }
  return record;
}
