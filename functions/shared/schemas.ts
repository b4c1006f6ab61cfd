import * as z from 'zod/mini';
import { ID_PATTERN } from './ids';

/**
 * Building blocks shared by every module's route schemas, on zod/mini: its functional API lets the
 * bundler keep only the parts a function uses and builds no method closures per schema, which
 * roughly halves zod's share of a cold start (docs/decisions.md, "zod/mini").
 *
 * Route schemas are declared with `z.lazy(() => …)`: a function serves one route per request, so
 * building every schema of its module at import only lengthens the cold start. A lazy schema is
 * built on its first parse and kept; the OpenAPI document renders the same (docs/decisions.md,
 * "Route schemas are built on first use").
 */

/**
 * A copy of `schema` that carries `description` in the OpenAPI document (classic zod's
 * `.describe()`). The copy shares the definition, so a described lazy schema still resolves to the
 * one inner schema (one `$defs` entry per id); a `z.describe()` check would copy the definition and
 * build the inner schema again.
 */
export function described<T extends z.ZodMiniType>(schema: T, description: string): T {
  const copy = z.clone(schema);
  z.globalRegistry.add(copy, { description });
  return copy;
}

export const Id = z.lazy(() => z.string().check(z.regex(ID_PATTERN, 'Must be a ULID')));
export const IdParams = z.strictObject({ id: Id });
export const Timestamp = z.lazy(() => z.iso.datetime());
export const Actor = z.lazy(() => described(z.string(), 'staff:<id>, partner:<id> or system:<component>'));

const booleanFlag = z.lazy(() =>
  z.pipe(
    z.enum(['true', 'false']),
    z.transform((v) => v === 'true'),
  ),
);

export const Pagination = {
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 25),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
};

export const IncludeDeleted = z.lazy(() => z._default(booleanFlag, false));

export function page<T extends z.ZodMiniType>(item: T) {
  return z.lazy(() => z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) }));
}
