import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { documentClient } from '../../functions/shared/db';
import { APPROVAL_ACTION, commitOutcome } from '../../functions/approvals/approval-repository';
import { appendToChains, type StoredEntry } from '../../functions/audit/audit-repository';
import { HttpProblem } from '../../functions/shared/errors';
import { TransactionCancelled, transactWrite } from '../../functions/shared/transaction-repository';

/**
 * The transaction helper's AWS-only behaviour (DynamoDB Local never raises TransactionConflict):
 * conflicts are retried with jitter, lost conditions are named and never retried.
 */
const dynamo = mockClient(documentClient);
afterEach(() => dynamo.reset());
afterAll(() => dynamo.restore());

const actions = [
  { name: 'order', action: { ConditionCheck: { TableName: 't', Key: { pk: 'ORDER#1', sk: 'ORDER' }, ConditionExpression: 'attribute_exists(pk)' } } },
  { name: 'product:P1', action: { ConditionCheck: { TableName: 't', Key: { pk: 'PRODUCT#P1', sk: 'PRODUCT' }, ConditionExpression: 'attribute_exists(pk)' } } },
];

const cancelled = (codes: string[], item?: Record<string, unknown>) =>
  new TransactionCanceledException({
    message: 'cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code, i) => ({ Code, ...(item && i === 1 ? { Item: marshall(item) } : {}) })),
  });

it('retries a transaction cancelled only by a conflicting transaction, then succeeds', async () => {
  dynamo.on(TransactWriteCommand).rejectsOnce(cancelled(['TransactionConflict', 'None'])).rejectsOnce(cancelled(['None', 'TransactionConflict'])).resolves({});
  await transactWrite(actions);
  expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(3);
});

it('answers 409 when the conflicts do not stop', async () => {
  dynamo.on(TransactWriteCommand).rejects(cancelled(['TransactionConflict', 'None']));
  const error = await transactWrite(actions).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HttpProblem);
  expect(error).toMatchObject({ status: 409, slug: 'transaction-conflict' });
  expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(4);
});

it('names the action whose condition lost and returns the item it was compared against, without retrying', async () => {
  dynamo.on(TransactWriteCommand).rejects(cancelled(['None', 'ConditionalCheckFailed'], { pk: 'PRODUCT#P1', available: 2 }));
  const error = await transactWrite(actions).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TransactionCancelled);
  const lost = error as TransactionCancelled;
  expect(lost.failed('product:P1')).toBe(true);
  expect(lost.failed('order')).toBe(false);
  expect(lost.current('product:P1')).toEqual({ pk: 'PRODUCT#P1', available: 2 });
  expect(lost.failedNames()).toEqual(['product:P1']);
  expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
});

it('refuses more than 100 actions and duplicate names before sending anything', async () => {
  const many = Array.from({ length: 101 }, (_, i) => ({ ...actions[0]!, name: `a${i}` }));
  await expect(transactWrite(many)).rejects.toThrow('at most 100 actions');
  await expect(transactWrite([actions[0]!, actions[0]!])).rejects.toThrow('unique');
  expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
});

it('hands a conflict straight back when the caller retries itself (retryConflicts: false)', async () => {
  dynamo.on(TransactWriteCommand).rejects(cancelled(['TransactionConflict', 'None']));
  const error = await transactWrite(actions, { retryConflicts: false }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TransactionCancelled);
  expect((error as TransactionCancelled).conflicted).toBe(true);
  expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
});

describe('callers read the reasons by name', () => {
  beforeAll(() => {
    process.env.AUDIT_TABLE_NAME ??= 'audit';
    process.env.TABLE_NAME ??= 'table';
  });

  const entry = { entityType: 'product', entityId: 'P1', seq: 2, eventId: 'E1', hash: 'h' } as unknown as StoredEntry;

  it('the audit writer: a recorded event is a duplicate; a moved head or a conflict is a conflict, answered at once', async () => {
    // Actions per chain: head, then entry and marker per entry.
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['ConditionalCheckFailed', 'None', 'ConditionalCheckFailed']))
      .rejectsOnce(cancelled(['ConditionalCheckFailed', 'None', 'None']))
      .rejectsOnce(cancelled(['None', 'TransactionConflict', 'None']))
      .rejectsOnce(cancelled(['None', 'None', 'None', 'None', 'None', 'ConditionalCheckFailed']));
    await expect(appendToChains([{ entries: [entry], previousSeq: 1 }], 0)).resolves.toBe('duplicate');
    await expect(appendToChains([{ entries: [entry], previousSeq: 1 }], 0)).resolves.toBe('conflict');
    await expect(appendToChains([{ entries: [entry], previousSeq: 1 }], 0)).resolves.toBe('conflict');
    await expect(appendToChains([{ entries: [entry], previousSeq: 1 }, { entries: [{ ...entry, entityId: 'P2' }], previousSeq: 1 }], 0)).resolves.toBe('duplicate');
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(4);
    expect(dynamo.commandCalls(TransactWriteCommand)[3]!.args[0].input.TransactItems).toHaveLength(6);
  });

  it("an approval's outcome: a lost guard is a retry already done; a lost subject condition names the subject's action", async () => {
    const guard = { name: APPROVAL_ACTION, action: actions[0]!.action };
    const subject = { name: 'product', action: actions[1]!.action };
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['ConditionalCheckFailed', 'ConditionalCheckFailed']))
      .rejectsOnce(cancelled(['None', 'ConditionalCheckFailed'], { pk: 'PRODUCT#P1' }));
    await expect(commitOutcome(guard, [subject])).resolves.toBe('already-done');
    const error = await commitOutcome(guard, [subject]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCancelled);
    expect((error as TransactionCancelled).failed('product')).toBe(true);
    expect((error as TransactionCancelled).current('product')).toEqual({ pk: 'PRODUCT#P1' });
  });
});
