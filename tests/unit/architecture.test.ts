import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Rules of docs/architecture.md (#architecture-1, #patterns-we-follow) that a reviewer would otherwise have to remember. */
const root = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const functions = sourceFiles(join(root, 'functions')).map((path) => ({
  path: relative(root, path),
  text: readFileSync(path, 'utf8'),
}));

it('imports @aws-sdk/lib-dynamodb only in repositories and the shared client', () => {
  const offenders = functions
    .filter((f) => f.text.includes("'@aws-sdk/lib-dynamodb'"))
    .map((f) => f.path)
    .filter((path) => !path.endsWith('repository.ts') && path !== 'functions/shared/db.ts');
  expect(offenders).toEqual([]);
});

it('builds no HTTP response in a module handler (errors go through the one error handler)', () => {
  const handlers = functions.filter((f) => f.path.endsWith('/handler.ts'));
  expect(handlers.length).toBeGreaterThan(0);
  const offenders = handlers.filter((f) => /statusCode|problem\+json|JSON\.stringify/.test(f.text)).map((f) => f.path);
  expect(offenders).toEqual([]);
});

it('creates AWS clients only at module scope in shared code, never per invocation', () => {
  const offenders = functions
    .filter((f) => /new DynamoDBClient\(/.test(f.text))
    .map((f) => f.path)
    .filter((path) => path !== 'functions/shared/db.ts');
  expect(offenders).toEqual([]);
});

it('concatenates no single-table keys outside the key builders', () => {
  const offenders = functions
    .filter((f) => f.path !== 'functions/shared/keys.ts')
    .filter((f) => /`[A-Z_]+#\$\{/.test(f.text))
    .map((f) => f.path);
  expect(offenders).toEqual([]);
});

it('writes every transaction through the shared helper (named actions, reasons by name, the conflict retry)', () => {
  const helper = 'functions/shared/transaction-repository.ts';
  const sendsTransactions = functions
    .filter((f) => /\bTransactWriteCommand\b|\bTransactionCanceledException\b|\bCancellationReasons\b/.test(f.text))
    .map((f) => f.path)
    .filter((path) => path !== helper);
  expect(sendsTransactions).toEqual([]);
  const definesTransactItem = functions
    .filter((f) => /\btype\s+TransactItem\s*=|\binterface\s+TransactItem\b/.test(f.text))
    .map((f) => f.path)
    .filter((path) => path !== helper);
  expect(definesTransactItem).toEqual([]);
});
