import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routes } from '../../functions/routes';
import { PERMISSIONS, SCOPES } from '../../functions/shared/auth/permissions';
import { MODULES, routeKey } from '../../functions/shared/http/route';
import { renderOpenApi } from '../../scripts/openapi';

const root = join(__dirname, '..', '..');

describe('the route table', () => {
  it('declares a known permission (admin) or scope (partner) on every route', () => {
    for (const route of routes) {
      const access = route.access as Record<string, unknown>;
      const declared =
        route.api === 'admin'
          ? access.authenticated === true || (PERMISSIONS as readonly unknown[]).includes(access.permission)
          : (SCOPES as readonly unknown[]).includes(access.scope);
      expect({ route: routeKey(route), declared }).toEqual({ route: routeKey(route), declared: true });
    }
  });

  it('has unique route keys and operation ids', () => {
    expect(new Set(routes.map(routeKey)).size).toBe(routes.length);
    expect(new Set(routes.map((r) => r.operationId)).size).toBe(routes.length);
  });

  it('only names modules that have a handler', () => {
    for (const route of routes) {
      expect(MODULES).toContain(route.module);
      expect(existsSync(join(root, 'functions', route.module, 'handler.ts'))).toBe(true);
    }
  });

  it('uses strict schemas for every request body and query (unknown fields are rejected)', () => {
    for (const route of routes) {
      for (const schema of [route.body, route.query, route.params]) {
        if (!schema) continue;
        const result = (schema as { safeParse(v: unknown): { success: boolean; error?: { issues: { code: string }[] } } }).safeParse({
          __unknown__: 1,
        });
        expect({ route: route.operationId, rejectsUnknown: !result.success && result.error!.issues.some((i) => i.code === 'unrecognized_keys') })
          .toEqual({ route: route.operationId, rejectsUnknown: true });
      }
    }
  });

  it('matches the committed OpenAPI document (run `npm run openapi` after changing routes)', () => {
    expect(readFileSync(join(root, 'docs', 'openapi.json'), 'utf8')).toBe(renderOpenApi());
  });
});
