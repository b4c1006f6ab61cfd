import { AUDIT_TABLE, SINGLE_TABLE, type TableDefinition } from '../../functions/shared/schema/tables';
import { logicalIdOf, resourcesOf, disposeBackoffice, synthBackoffice, type SynthesizedBackoffice } from './synth-stack';

let synth: SynthesizedBackoffice;
beforeAll(() => {
  synth = synthBackoffice();
});
afterAll(() => disposeBackoffice(synth));

function tableProps(which: 'table' | 'auditTable') {
  const id = logicalIdOf(synth.stack.data[which]);
  const resource = resourcesOf(synth.template, 'AWS::DynamoDB::Table')[id];
  if (!resource) throw new Error(`no table ${id}`);
  return resource;
}

const cases: Array<[string, 'table' | 'auditTable', TableDefinition]> = [
  ['single table', 'table', SINGLE_TABLE],
  ['audit table', 'auditTable', AUDIT_TABLE],
];

test('the stack has exactly the two tables of functions/shared/schema/tables.ts', () => {
  synth.template.resourceCountIs('AWS::DynamoDB::Table', 2);
});

describe.each(cases)('%s', (_name, which, definition) => {
  test('has string pk/sk keys from its definition', () => {
    const { Properties } = tableProps(which);
    expect(Properties.KeySchema).toEqual([
      { AttributeName: definition.partitionKey, KeyType: 'HASH' },
      { AttributeName: definition.sortKey, KeyType: 'RANGE' },
    ]);
    const attributes = Properties.AttributeDefinitions as Array<{ AttributeName: string; AttributeType: string }>;
    for (const name of [definition.partitionKey, definition.sortKey, ...definition.globalIndexes.flatMap((i) => [i.partitionKey, i.sortKey])]) {
      expect(attributes).toContainEqual({ AttributeName: name, AttributeType: 'S' });
    }
  });

  test('has every GSI of its definition with ALL projection, and no other', () => {
    const { Properties } = tableProps(which);
    expect(Properties.GlobalSecondaryIndexes).toEqual(
      definition.globalIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
  });

  test('is on-demand with point-in-time recovery', () => {
    const { Properties } = tableProps(which);
    expect(Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  test('is protected from deletion and retained when removed from the stack', () => {
    const table = tableProps(which);
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
  });

  test('is encrypted with KMS', () => {
    expect(tableProps(which).Properties.SSESpecification).toEqual({ SSEEnabled: true });
  });

  test('has TTL on the attribute of its definition', () => {
    expect(tableProps(which).Properties.TimeToLiveSpecification).toEqual({ AttributeName: definition.ttlAttribute, Enabled: true });
  });
});

test('the single table streams NEW_AND_OLD_IMAGES, the audit table has no stream', () => {
  expect(tableProps('table').Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
  expect(tableProps('auditTable').Properties.StreamSpecification).toBeUndefined();
});

test('the audit table denies item updates and deletes to every principal', () => {
  const policy = tableProps('auditTable').Properties.ResourcePolicy as { PolicyDocument: { Statement: Array<Record<string, unknown>> } };
  expect(policy.PolicyDocument.Statement).toHaveLength(1);
  const [statement] = policy.PolicyDocument.Statement;
  expect(statement).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' } });
  expect(statement?.Action).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']));
  expect(statement?.Action).not.toContain('dynamodb:PutItem');
  expect(tableProps('table').Properties.ResourcePolicy).toBeUndefined();
});
