import * as z from 'zod';
import { ID_PATTERN } from './ids';

/** Building blocks shared by every module's route schemas. */
export const Id = z.string().regex(ID_PATTERN, 'Must be a ULID');
export const IdParams = z.strictObject({ id: Id });
export const Timestamp = z.iso.datetime();
export const Actor = z.string().describe('staff:<id>, partner:<id> or system:<component>');

const booleanFlag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const Pagination = {
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(2048).optional(),
};

export const IncludeDeleted = booleanFlag.default(false);

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
