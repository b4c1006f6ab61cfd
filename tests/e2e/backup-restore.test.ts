import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readSnapshot, type Item } from '../../local/snapshot';
import { adminToken, api, credentials } from '../support/e2e-client';
import { scanTable, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * Local backup and restore (issue 10): a workload through the API (products with price and SKU
 * changes and a deletion, staff, a partner and its key), `npm run backup` while the runtime runs
 * (it is quiesced for the snapshot), `npm run restore` into a fresh data directory, then a runtime
 * on the restored data: both tables hold exactly the snapshot's items, every audit entry of the
 * workload came along, the restored stream does not feed them to the audit consumer again, and the
 * demo partner key still works.
 */
jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '../..');
let workDir: string;
let restored: RuntimeProcess | undefined;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'backoffice-backup-'));
});
afterAll(async () => {
  await restored?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

/** Runs `npm run <script>` the way npm does (tsx on this Node) and returns its exit code and output. */
function npmRun(script: 'backup' | 'restore', args: string[], dataDir: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), `scripts/${script}.ts`, ...args], {
    cwd: ROOT,
    env: { ...process.env, BACKOFFICE_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((done) => child.once('exit', (code) => done({ code, output })));
}

const keyOf = (item: Item) => `${item.pk!.S}|${item.sk!.S}`;
const sorted = (items: Item[]) => [...items].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));

test('a seeded workload survives backup and restore, item for item in both tables', async () => {
  const token = adminToken();
  const run = Date.now().toString(36).toUpperCase();

  // The workload, through the API.
  const products = await Promise.all(
    Array.from({ length: 8 }, async (_, i) => {
      const res = await api('POST', '/admin/v1/products', { token, body: { sku: `BACKUP-${run}-${i}`, name: `Backup ${i}`, price: { amount: 1_000 + i, currency: 'EUR' } } });
      expect(res.status).toBe(201);
      return res.body as { id: string; version: number };
    }),
  );
  for (const [i, product] of products.slice(0, 3).entries()) {
    // A small price change (a large one waits for an approval).
    const res = await api('PATCH', `/admin/v1/products/${product.id}`, { token, body: { price: { amount: 1_050 + i, currency: 'EUR' } }, headers: { 'if-match': '"1"' } });
    expect(res.status).toBe(200);
  }
  expect((await api('PATCH', `/admin/v1/products/${products[3]!.id}`, { token, body: { sku: `BACKUP-${run}-3-NEW` } })).status).toBe(200);
  expect((await api('DELETE', `/admin/v1/products/${products[4]!.id}`, { token })).status).toBe(204);
  const staff = await api('POST', '/admin/v1/staff', { token, body: { email: `backup-${run.toLowerCase()}@example.com`, name: 'Bea Backup', roles: ['support'] } });
  expect(staff.status).toBe(201);
  const partner = await api('POST', '/admin/v1/partners', { token, body: { name: `backup-partner-${run}`, scopes: ['catalog:read'] } });
  expect(partner.status).toBe(201);
  const key = await api('POST', `/admin/v1/partners/${partner.body.id}/keys`, { token, body: {} });
  expect(key.status).toBe(201);

  // Back up while the runtime runs.
  const file = join(workDir, 'snapshot.jsonl.gz');
  const backup = await npmRun('backup', [file], process.env.BACKOFFICE_DATA_DIR!);
  expect({ code: backup.code, output: backup.output }).toEqual({ code: 0, output: expect.stringContaining('(quiesced-runtime,') });
  const snapshot = await readSnapshot(file);
  const single = snapshot.items.get(credentials().tableName)!;
  const audit = snapshot.items.get(credentials().auditTableName)!;

  // The snapshot holds the workload as the API last answered it…
  for (const product of products) {
    const item = single.find((i) => i.pk?.S === `PRODUCT#${product.id}`);
    expect(item).toBeDefined();
    if (product.id === products[4]!.id) {
      expect(item!.deletedAt?.S).toEqual(expect.any(String));
    } else {
      const { body } = await api('GET', `/admin/v1/products/${product.id}`, { token });
      expect({ sku: item!.sku!.S, version: Number(item!.version!.N) }).toEqual({ sku: body.sku, version: body.version });
    }
    expect(single.some((i) => i.pk?.S === `UNIQUE#SKU#${item!.sku!.S!.toUpperCase()}` && i.ownerId?.S === product.id)).toBe(true);
  }
  expect(single.some((i) => i.pk?.S === `STAFF#${staff.body.id}`)).toBe(true);
  expect(single.some((i) => i.pk?.S === `PARTNER#${partner.body.id}`)).toBe(true);
  expect(single.some((i) => i.pk?.S === `PARTNER_KEY#${key.body.id}`)).toBe(true);
  // …and, quiesced with the stream drained, the audit entry of every one of those changes.
  const auditOf = (entityType: string, id: string) => audit.filter((e) => e.pk?.S === `${entityType}#${id}`).length;
  expect(products.map((p, i) => auditOf('product', p.id) >= (i < 5 ? 2 : 1))).toEqual(products.map(() => true));
  expect(auditOf('staff', staff.body.id)).toBeGreaterThanOrEqual(1);
  expect(auditOf('partner', partner.body.id)).toBeGreaterThanOrEqual(1);

  // Restore into a fresh data directory.
  const dataDir = join(workDir, 'restored');
  const restore = await npmRun('restore', [file], dataDir);
  expect({ code: restore.code, output: restore.output }).toEqual({ code: 0, output: expect.stringContaining(`Restored ${credentials().tableName} ${single.length}, ${credentials().auditTableName} ${audit.length} items`) });

  // A runtime on the restored data serves exactly the snapshot.
  restored = await startRuntimeProcess({ dataDir });
  const restoredCredentials = restored.credentials();
  await new Promise((r) => setTimeout(r, 1_000)); // a few poller rounds: nothing may reach the audit log
  expect(sorted(await scanTable(restoredCredentials.dynamodbEndpoint, restoredCredentials.tableName))).toEqual(sorted(single));
  expect(sorted(await scanTable(restoredCredentials.dynamodbEndpoint, restoredCredentials.auditTableName))).toEqual(sorted(audit));
  const restoredToken = restoredCredentials.tokens['admin@example.com']!;
  const read = await fetch(`${restored.url}/admin/v1/products/${products[0]!.id}`, { headers: { authorization: `Bearer ${restoredToken}` } });
  expect(read.status).toBe(200);
  const verify = await fetch(`${restored.url}/admin/v1/audit/verify?entityType=product&entityId=${products[0]!.id}`, { headers: { authorization: `Bearer ${restoredToken}` } });
  expect(await verify.json()).toMatchObject({ ok: true });
  // The demo partner keys came with the snapshot: the restored runtime made no new partner.
  expect(restoredCredentials.partnerKeys['demo-shop']).toBe(credentials().partnerKeys['demo-shop']);
  const partnerRead = await fetch(`${restored.url}/partner/v1/products`, { headers: { 'x-api-key': restoredCredentials.partnerKeys['demo-shop']! } });
  expect(partnerRead.status).toBe(200);

  // Restoring under a running runtime is refused (its consumers would take the items for changes).
  const under = await npmRun('restore', [file, '--replace'], dataDir);
  expect({ code: under.code, output: under.output }).toEqual({ code: 1, output: expect.stringContaining('is in use by the local runtime') });
});
