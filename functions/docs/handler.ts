import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHttpHandler } from '../shared/http/app';
import type { ApiName } from '../shared/http/route';
import { OPENAPI_FILES } from './files';
import { docsRoutes } from './routes';

/**
 * The OpenAPI documents written by `npm run openapi`. Deployed, they ship beside the bundle
 * (lib/constructs/modules.ts MODULE_BUNDLED_FILES); run from source (local runtime, tests), they are
 * the repository's docs/openapi-*.json. Each is read and parsed once, on its first request: JSON.parse
 * of a file is cheaper than evaluating the same document as a bundled object literal at every cold start.
 */
const documents = new Map<ApiName, Record<string, unknown>>();

function documentOf(api: ApiName): Record<string, unknown> {
  const known = documents.get(api);
  if (known) return known;
  const candidates = [join(__dirname, OPENAPI_FILES[api]), join(__dirname, '..', '..', 'docs', OPENAPI_FILES[api])];
  const file = candidates.find((candidate) => existsSync(candidate));
  if (!file) throw new Error(`OpenAPI document not found (looked in ${candidates.join(', ')})`);
  const document = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  documents.set(api, document);
  return document;
}

/** Each API serves its own document. */
export const handler = createHttpHandler(docsRoutes, {
  getOpenApi: async () => ({ status: 200, body: documentOf('admin') }),
  getPartnerOpenApi: async () => ({ status: 200, body: documentOf('partner') }),
});
