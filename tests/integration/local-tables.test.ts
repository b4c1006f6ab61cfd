import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { SINGLE_TABLE } from '../../functions/shared/schema/tables';
import { ensureTable, localDynamoClient, startDynamoDbLocal } from '../../local/dynamodb';
import { freePort } from '../../local/ports';

/**
 * A table kept in `.local/` from before an index existed gets it on the next start (no --reset
 * needed). Runs on a DynamoDB Local of its own with a data directory, stopped and started again like
 * `npm start` on kept data, so the other test files' traffic on the shared engine cannot interfere.
 */
it('adds the indexes an existing local table lacks when the runtime starts on kept data', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'backoffice-tables-'));
  // Data kept from before gsi3 and gsi4: two indexes to add, one UpdateTable each.
  const older = { ...SINGLE_TABLE, globalIndexes: SINGLE_TABLE.globalIndexes.filter((i) => i.indexName === 'gsi1' || i.indexName === 'gsi2') };
  const indexesOf = async (endpoint: string) => {
    const client = localDynamoClient(endpoint);
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: 'Backoffice' }));
      return (Table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i.IndexStatus]).sort();
    } finally {
      client.destroy();
    }
  };
  const run = async (step: (endpoint: string) => Promise<void>) => {
    const dynamo = await startDynamoDbLocal({ port: await freePort(), dataDir });
    try {
      await step(dynamo.endpoint);
    } finally {
      await dynamo.stop();
    }
  };
  try {
    await run(async (endpoint) => {
      const client = localDynamoClient(endpoint);
      await ensureTable(client, older, 'Backoffice').finally(() => client.destroy());
      expect(await indexesOf(endpoint)).toEqual([
        ['gsi1', 'ACTIVE'],
        ['gsi2', 'ACTIVE'],
      ]);
    });
    await run(async (endpoint) => {
      const client = localDynamoClient(endpoint);
      try {
        await ensureTable(client, SINGLE_TABLE, 'Backoffice');
        expect(await indexesOf(endpoint)).toEqual([
          ['gsi1', 'ACTIVE'],
          ['gsi2', 'ACTIVE'],
          ['gsi3', 'ACTIVE'],
          ['gsi4', 'ACTIVE'],
        ]);
        // Nothing left to add the next time.
        await ensureTable(client, SINGLE_TABLE, 'Backoffice');
      } finally {
        client.destroy();
      }
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);
