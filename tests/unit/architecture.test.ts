import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { MODULE_DEPENDENCIES } from '../../functions/module-dependencies';
import { MODULES, type ModuleName } from '../../functions/shared/http/route';

/** Rules of docs/architecture.md (#architecture-1, #patterns-we-follow) that a reviewer would otherwise have to remember. */
const root = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const read = (path: string) => ({ path: relative(root, path).split(sep).join('/'), text: readFileSync(path, 'utf8') });
const functions = sourceFiles(join(root, 'functions')).map(read);
const local = sourceFiles(join(root, 'local')).map(read);

/** The project-relative paths a file imports (static, dynamic, `require`; relative specifiers only). */
function importsOf(file: { path: string; text: string }): string[] {
  const specifiers = [...file.text.matchAll(/(?:\bfrom\s+|\bimport\s*\(?\s*|\brequire\s*\(\s*|\bload\s*\(\s*)['"`](\.{1,2}\/[^'"`]+)['"`]/g)].map((m) => m[1]);
  return specifiers.map((specifier) => relative(root, resolve(root, dirname(file.path), specifier)).split(sep).join('/'));
}

/** The module a functions/ path belongs to (undefined: shared code, or a composition file at the top of functions/). */
function moduleOf(path: string): ModuleName | undefined {
  const [top, name, ...rest] = path.split('/');
  if (top !== 'functions' || rest.length === 0) return undefined;
  return (MODULES as readonly string[]).includes(name) ? (name as ModuleName) : undefined;
}

/** A file at the top of functions/ (routes.ts, approval-kinds.ts, …): it composes modules, it belongs to none. */
const isComposition = (path: string) => /^functions\/[^/]+$/.test(path);

/** Every module → module import: `from → to` with the importing file. */
const moduleImports = functions.flatMap((file) => {
  const from = moduleOf(file.path);
  if (!from) return [];
  return importsOf(file).flatMap((target) => {
    const to = moduleOf(target);
    return to && to !== from ? [{ from, to, file: file.path, target }] : [];
  });
});

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

it('imports nothing from lib/ at runtime (lib imports the definitions it shares with functions/)', () => {
  const offenders = functions.flatMap((f) => importsOf(f).filter((target) => target.startsWith('lib/')).map((target) => `${f.path} → ${target}`));
  expect(offenders).toEqual([]);
});

it('imports nothing from lib/ in the local runtime but the rendering of the approval workflow from its construct', () => {
  const offenders = local.flatMap((f) =>
    importsOf(f)
      .filter((target) => target.startsWith('lib/') && !(f.path === 'local/approvals-workflow.ts' && target === 'lib/constructs/approvals'))
      .map((target) => `${f.path} → ${target}`),
  );
  expect(offenders).toEqual([]);
});

it('imports another module only along an edge of functions/module-dependencies.ts', () => {
  const undeclared = moduleImports
    .filter(({ from, to }) => !(MODULE_DEPENDENCIES[from] ?? []).includes(to))
    .map(({ file, target }) => `${file} → ${target}`);
  expect(undeclared).toEqual([]);
});

it('declares only module dependencies the code has (the list stays honest)', () => {
  const used = new Set(moduleImports.map(({ from, to }) => `${from} → ${to}`));
  const declared = Object.entries(MODULE_DEPENDENCIES).flatMap(([from, tos]) => (tos ?? []).map((to) => `${from} → ${to}`));
  expect(declared.filter((edge) => !used.has(edge))).toEqual([]);
});

it('has no cycle between modules (declared or not)', () => {
  const edges = new Map<string, Set<string>>();
  const add = (from: string, to: string) => edges.set(from, (edges.get(from) ?? new Set()).add(to));
  for (const { from, to } of moduleImports) add(from, to);
  for (const [from, tos] of Object.entries(MODULE_DEPENDENCIES)) for (const to of tos ?? []) add(from, to);
  const cycles = new Set<string>();
  const visit = (node: string, path: string[]) => {
    if (path.includes(node)) {
      const cycle = path.slice(path.indexOf(node));
      const start = cycle.indexOf([...cycle].sort()[0]);
      const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
      cycles.add([...rotated, rotated[0]].join(' → '));
      return;
    }
    for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
  };
  for (const node of edges.keys()) visit(node, []);
  expect([...cycles]).toEqual([]);
});

it('keeps approvals an engine: it imports no module, and only its Lambda entries read the composition', () => {
  expect(MODULE_DEPENDENCIES.approvals ?? []).toEqual([]);
  const offenders = functions
    .filter((f) => moduleOf(f.path) === 'approvals')
    .flatMap((f) =>
      importsOf(f)
        .filter((target) => isComposition(target) && !/\/(handler|workflow)\.ts$/.test(f.path))
        .map((target) => `${f.path} → ${target}`),
    );
  expect(offenders).toEqual([]);
});

it('lets a module read a composition file only from a Lambda entry (compositions import modules, not the reverse)', () => {
  const offenders = functions
    .filter((f) => moduleOf(f.path) && !/\/(handler|workflow)\.ts$/.test(f.path))
    .flatMap((f) => importsOf(f).filter(isComposition).map((target) => `${f.path} → ${target}`));
  expect(offenders).toEqual([]);
});
