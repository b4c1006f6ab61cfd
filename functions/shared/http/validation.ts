import type * as z from 'zod/mini';
import { badRequest, type FieldError } from '../errors';
import '../zod-locale';

/** zod issues → RFC 9457 `errors: [{path, message}]`, one entry per offending field. */
export function fieldErrors(error: z.core.$ZodError, location: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    const base = [location, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ path: `${base}.${key}`, message: 'Unknown field' });
    } else {
      errors.push({ path: base, message: issue.message });
    }
  }
  return errors;
}

export function validate<S extends z.ZodMiniType>(schema: S, value: unknown, location: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(`The request ${location} is invalid`, fieldErrors(result.error, location));
  return result.data;
}
