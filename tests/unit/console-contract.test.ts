import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { en } from '../../console/src/i18n/en';
import { fr } from '../../console/src/i18n/fr';
import { zh } from '../../console/src/i18n/zh';
import { PERMISSIONS as CONSOLE_PERMISSIONS } from '../../console/src/providers/permissions';
import { PERMISSIONS } from '../../functions/shared/auth/permissions';

/**
 * What keeps the console a faithful client of the admin API: its types are generated from the
 * current OpenAPI document, its permission catalogue is the API's, and every language has every message.
 */
const ROOT = resolve(__dirname, '../..');

test('the console types are generated from the current admin OpenAPI document (npm run console:types)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'console-types-'));
  try {
    const fresh = join(dir, 'schema.d.ts');
    execFileSync(process.execPath, [join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'), join(ROOT, 'docs/openapi-admin.json'), '-o', fresh], { stdio: 'pipe' });
    expect(readFileSync(join(ROOT, 'console/src/api/schema.d.ts'), 'utf8')).toBe(readFileSync(fresh, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the console knows exactly the permissions the API grants', () => {
  expect([...CONSOLE_PERMISSIONS].sort()).toEqual([...PERMISSIONS].sort());
});

const keysOf = (messages: object, prefix = ''): string[] =>
  Object.entries(messages).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null ? keysOf(value as object, `${prefix}${key}.`) : [`${prefix}${key}`],
  );

test.each([
  ['French', fr],
  ['Simplified Chinese', zh],
])('%s has every message English has, and no other', (_language, messages) => {
  expect(keysOf(messages).sort()).toEqual(keysOf(en).sort());
});

test.each([
  ['French', fr],
  ['Simplified Chinese', zh],
])('%s uses only placeholders the English message fills', (_language, messages) => {
  // A translation may leave a value out ("Supprimer" without the name), never name one nobody fills.
  const placeholders = (text: string): string[] => text.match(/%\{\w+\}/g) ?? [];
  const valueAt = (root: object, path: string) => path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], root);
  const mismatched = keysOf(en).filter((path) => {
    const english = valueAt(en, path);
    const translated = valueAt(messages, path);
    return typeof english === 'string' && typeof translated === 'string' && placeholders(translated).some((name) => !placeholders(english).includes(name));
  });
  expect(mismatched).toEqual([]);
});
