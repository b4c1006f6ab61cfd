import type * as z from 'zod/mini';
import { badRequest, MAX_FIELD_ERRORS, type FieldError } from '../errors';
import '../zod-locale';

/**
 * zod issues → RFC 9457 `errors: [{path, message}]`, one entry per offending field: the first
 * MAX_FIELD_ERRORS of them, and how many more there were (counted, not built: a body of 20,000
 * unknown fields costs no 20,000 entries).
 */
export function fieldErrors(error: z.core.$ZodError, location: string): { errors: FieldError[]; omitted: number } {
  const errors: FieldError[] = [];
  let omitted = 0;
  for (const issue of error.issues) {
    const base = [location, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      const room = Math.max(0, MAX_FIELD_ERRORS - errors.length);
      for (const key of issue.keys.slice(0, room)) errors.push({ path: `${base}.${key}`, message: 'Unknown field' });
      omitted += Math.max(0, issue.keys.length - room);
    } else if (errors.length < MAX_FIELD_ERRORS) {
      errors.push({ path: base, message: issue.message });
    } else {
      omitted += 1;
    }
  }
  return { errors, omitted };
}

export function validate<S extends z.ZodMiniType>(schema: S, value: unknown, location: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const { errors, omitted } = fieldErrors(result.error, location);
    throw badRequest(`The request ${location} is invalid`, errors, omitted);
  }
  return result.data;
}
