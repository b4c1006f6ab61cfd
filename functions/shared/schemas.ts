import * as z from 'zod';
import { ID_PATTERN } from './ids';

/**
 * Building blocks shared by every module's route schemas.
 *
 * Route schemas are declared with `z.lazy(() => …)`: a function serves one route per request, so
 * building every schema of its module at import (zod's classic API constructs each chained step as
 * a schema) only lengthens the cold start. A lazy schema is built on its first parse and kept; the
 * OpenAPI document renders the same (docs/decisions.md, "Route schemas are built on first use").
 */
export const Id = z.lazy(() => z.string().regex(ID_PATTERN, 'Must be a ULID'));
export const IdParams = z.strictObject({ id: Id });
export const Timestamp = z.lazy(() => z.iso.datetime());
export const Actor = z.lazy(() => z.string().describe('staff:<id>, partner:<id> or system:<component>'));

const booleanFlag = z.lazy(() => z.enum(['true', 'false']).transform((v) => v === 'true'));

export const Pagination = {
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(2048).optional(),
};

export const IncludeDeleted = z.lazy(() => booleanFlag.default(false));

export function page<T extends z.ZodType>(item: T) {
  return z.lazy(() => z.object({ items: z.array(item), nextCursor: z.string().nullable() }));
}
