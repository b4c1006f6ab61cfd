import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPENAPI_FILES } from '../functions/docs/files';
import { routes } from '../functions/routes';
import { buildOpenApi } from '../functions/shared/http/openapi';
import type { ApiName } from '../functions/shared/http/route';
import { partnerWebhooks } from '../functions/webhooks/openapi';
import { version } from '../package.json';

export const OPENAPI_APIS: readonly ApiName[] = ['admin', 'partner'];

/** The OpenAPI document of one API as committed in docs/; a unit test fails when one is out of date. */
export function renderOpenApi(api: ApiName): string {
  return JSON.stringify(buildOpenApi(routes, api, version, api === 'partner' ? partnerWebhooks : []), null, 2) + '\n';
}

export const openApiPath = (api: ApiName) => join(__dirname, '..', 'docs', OPENAPI_FILES[api]);

if (require.main === module) {
  for (const api of OPENAPI_APIS) {
    writeFileSync(openApiPath(api), renderOpenApi(api));
    console.log(`Wrote ${openApiPath(api)}`);
  }
}
