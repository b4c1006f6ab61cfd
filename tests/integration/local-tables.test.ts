import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { SINGLE_TABLE } from '../../lib/schema/tables';
import { ensureTable, localDynamoClient } from '../../local/dynamodb';

/** A table kept in `.local/` from before an index existed gets it on the next start (no --reset needed). */
it('adds the indexes an existing local table lacks', async () => {
  const client = localDynamoClient(process.env.AWS_ENDPOINT_URL_DYNAMODB!);
  const name = `Older-${Date.now()}`;
  try {
    await ensureTable(client, { ...SINGLE_TABLE, globalIndexes: SINGLE_TABLE.globalIndexes.filter((i) => i.indexName !== 'gsi3') }, name);
    const before = await client.send(new DescribeTableCommand({ TableName: name }));
    expect(before.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(['gsi1', 'gsi2']);
    await ensureTable(client, SINGLE_TABLE, name);
    const after = await client.send(new DescribeTableCommand({ TableName: name }));
    expect(after.Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.IndexStatus]).sort()).toEqual([
      ['gsi1', 'ACTIVE'],
      ['gsi2', 'ACTIVE'],
      ['gsi3', 'ACTIVE'],
    ]);
    // Idempotent: nothing left to add.
    await ensureTable(client, SINGLE_TABLE, name);
  } finally {
    client.destroy();
  }
}, 60_000);
