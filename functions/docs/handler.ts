import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHttpHandler } from '../shared/http/app';
import { docsRoutes } from './routes';

/**
 * The OpenAPI document written by `npm run openapi`. Deployed, it ships beside the bundle
 * (lib/constructs/modules.ts MODULE_BUNDLED_FILES); run from source (local runtime, tests), it is the
 * repository's docs/openapi.json. Read and parsed once, on the first request: JSON.parse of a file is
 * cheaper than evaluating the same document as a bundled object literal at every cold start.
 */
const DOCUMENT_FILES = [join(__dirname, 'openapi.json'), join(__dirname, '..', '..', 'docs', 'openapi.json')];
let openApiDocument: Record<string, unknown> | undefined;

function loadDocument(): Record<string, unknown> {
  const file = DOCUMENT_FILES.find((candidate) => existsSync(candidate));
  if (!file) throw new Error(`OpenAPI document not found (looked in ${DOCUMENT_FILES.join(', ')})`);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

export const handler = createHttpHandler(docsRoutes, {
  getOpenApi: async () => ({ status: 200, body: (openApiDocument ??= loadDocument()) }),
});
