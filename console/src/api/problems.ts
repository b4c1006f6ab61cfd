import { HttpError } from 'ra-core';
import type { Problem } from './client';

/** Problem types whose meaning is one field of the form (the API names no path for them). */
const FIELD_OF_TYPE: Record<string, string> = {
  'duplicate-sku': 'sku',
  'duplicate-email': 'email',
  'duplicate-slug': 'slug',
  'duplicate-role': 'name',
};

const isProblem = (body: unknown): body is Problem =>
  typeof body === 'object' && body !== null && typeof (body as Problem).status === 'number' && typeof (body as Problem).title === 'string';

/**
 * An API refusal as react-admin expects it: an HttpError whose `body.errors` maps form fields to
 * messages (`body.price.amount` → `price.amount`), so a Create or Edit form shows each message under
 * the field it names; the problem itself stays on `body.problem` for the screens that need it.
 */
export function toHttpError(status: number, body: unknown): HttpError {
  if (!isProblem(body)) return new HttpError(`HTTP ${status}`, status, {});
  const errors: Record<string, string> = {};
  for (const { path, message } of body.errors ?? []) {
    if (!path || !message || !path.startsWith('body.')) continue;
    errors[path.slice('body.'.length)] ??= message;
  }
  const field = FIELD_OF_TYPE[body.type.split('/').pop() ?? ''];
  if (field) errors[field] ??= body.detail;
  const message = status === 412 ? 'bo.errors.stale' : body.detail || body.title;
  return new HttpError(message, status, {
    problem: body,
    ...(Object.keys(errors).length > 0 ? { errors: { ...errors, root: { serverError: body.detail } } } : {}),
  });
}

