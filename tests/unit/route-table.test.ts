import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routes } from '../../functions/routes';
import { PERMISSIONS, SCOPES } from '../../functions/shared/auth/permissions';
import { MODULES, routeKey } from '../../functions/shared/http/route';
import { errorStatuses } from '../../functions/shared/http/openapi';
import { OPENAPI_APIS, openApiPath, renderOpenApi } from '../../scripts/openapi';

const root = join(__dirname, '..', '..');

describe('the route table', () => {
  it('declares a known permission (admin) or scope (partner) on every route', () => {
    for (const route of routes) {
      const access = route.access as Record<string, unknown>;
      const declared =
        route.api === 'admin'
          ? access.authenticated === true || (PERMISSIONS as readonly unknown[]).includes(access.permission)
          : access.anyKey === true || (SCOPES as readonly unknown[]).includes(access.scope);
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

  it.each(OPENAPI_APIS)('matches the committed OpenAPI document of the %s API (run `npm run openapi` after changing routes)', (api) => {
    expect(readFileSync(openApiPath(api), 'utf8')).toBe(renderOpenApi(api));
  });

  it('holds only its own operations in each document, with paths relative to the server', () => {
    for (const api of OPENAPI_APIS) {
      const document = JSON.parse(renderOpenApi(api)) as { servers: { url: string }[]; paths: Record<string, Record<string, { operationId: string }>> };
      const operationIds = Object.values(document.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
      expect(operationIds.sort()).toEqual(routes.filter((r) => r.api === api).map((r) => r.operationId).sort());
      expect(document.servers[0]!.url).toBe(`{origin}/${api}/v1`);
    }
  });

  it('declares only error statuses an operation can answer', () => {
    for (const route of routes) {
      const statuses = errorStatuses(route);
      const wrong = [
        route.method === 'GET' && statuses.includes(412) && '412 on a GET',
        !route.body && (statuses.includes(413) || statuses.includes(415)) && '413/415 without a body',
        !route.idempotencyKey && statuses.includes(422) && '422 without Idempotency-Key',
        route.ifMatch !== 'required' && statuses.includes(428) && '428 without a required If-Match',
        !('permission' in route.access || 'scope' in route.access) && statuses.includes(403) && '403 without a grant to check',
      ].filter(Boolean);
      expect({ route: route.operationId, wrong }).toEqual({ route: route.operationId, wrong: [] });
      expect(statuses).toEqual(expect.arrayContaining([401, 429]));
    }
  });
});
