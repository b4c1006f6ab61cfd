import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { routes } from '../functions/routes';
import { buildOpenApi } from '../functions/shared/http/openapi';
import { version } from '../package.json';

/** Writes docs/openapi.json from the route table; a unit test fails when it is out of date. */
export function renderOpenApi(): string {
  return JSON.stringify(buildOpenApi(routes, version), null, 2) + '\n';
}

if (require.main === module) {
  const target = join(__dirname, '..', 'docs', 'openapi.json');
  writeFileSync(target, renderOpenApi());
  console.log(`Wrote ${target}`);
}
