import type { ApiName } from '../shared/http/route';

/** File name of each API's OpenAPI document: docs/<name> in the repository, beside the bundle when deployed. */
export const OPENAPI_FILES: Readonly<Record<ApiName, string>> = { admin: 'openapi-admin.json', partner: 'openapi-partner.json' };
