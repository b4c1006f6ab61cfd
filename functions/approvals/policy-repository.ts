import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionFailed } from '../shared/conditional';
import { documentClient, tableName } from '../shared/db';
import { getRecord } from '../shared/item-repository';
import type { NamedAction } from '../shared/transaction-repository';
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

/**
 * Replaces the policy in one UpdateItem and answers what was stored. With `expectedVersion` (0: the
 * defaults, nothing stored yet) the write is conditioned on it; without, it replaces whatever is there
 * (a PUT without If-Match), and the version still moves on atomically.
 */
export async function putPolicy(policy: PolicyDocument, expectedVersion: number | undefined, ctx: WriteContext): Promise<PolicyRecord> {
  const stamp = stampOf(ctx);
  const condition =
    expectedVersion === undefined
      ? {}
      : expectedVersion === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :expected' };
  try {
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: approvalKeys.policy(),
        UpdateExpression:
          'SET entityType = :entityType, kinds = :kinds, updatedAt = :updatedAt, updatedBy = :updatedBy, requestId = :requestId, sourceIp = :sourceIp ADD version :one',
        ExpressionAttributeValues: {
          ':entityType': 'approval_policy',
          ':kinds': policy.kinds,
          ':updatedAt': stamp.updatedAt,
          ':updatedBy': stamp.updatedBy,
          ':requestId': stamp.requestId,
          ':sourceIp': stamp.sourceIp,
          ':one': 1,
          ...(expectedVersion ? { ':expected': expectedVersion } : {}),
        },
        ...condition,
        ReturnValues: 'ALL_NEW',
      }),
    );
    const { kinds, version, updatedAt, updatedBy } = Attributes as PolicyRecord;
    return { kinds, version, updatedAt, updatedBy };
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') throw new ConditionFailed(undefined);
    throw error;
  }
}

/** The transaction action that holds a command to the policy version it decided on (0: the defaults). */
export function policyVersionCheck(version: number): NamedAction {
  return {
    name: POLICY_ACTION,
    action: {
      ConditionCheck: {
        TableName: tableName(),
        Key: approvalKeys.policy(),
        ...(version === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': version } }),
      },
    },
  };
}

/** Names the policy check among a transaction's actions. */
export const POLICY_ACTION = 'approval-policy';
