/**
 * Domain and HTTP errors. Use cases throw these; the one error handler of the HTTP stack
 * (functions/shared/http/problem.ts) turns them into RFC 9457 problem+json responses.
 */
export interface FieldError {
  path: string;
  message: string;
}

/** Base URI of problem `type`s; API Gateway's own error responses use it too. */
export const PROBLEM_BASE = 'https://backoffice.example.com/problems/';

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly slug: string,
    readonly extras: { errors?: FieldError[]; headers?: Record<string, string>; [key: string]: unknown } = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }

  get type(): string {
    return PROBLEM_BASE + this.slug;
  }
}

/**
 * A 400 lists at most this many field errors; the answer says how many more there were
 * (`errorsOmitted`), so a body with thousands of bad fields gets a small answer.
 */
export const MAX_FIELD_ERRORS = 20;

/** `omitted`: errors the caller already counted without listing them (beyond those in `errors`). */
export const badRequest = (detail: string, errors?: FieldError[], omitted = 0) =>
  new HttpProblem(400, 'Bad Request', detail, 'invalid-request', errors ? { errors, ...(omitted > 0 ? { errorsOmitted: omitted } : {}) } : {});
export const unauthorized = (detail = 'Missing or invalid credentials') =>
  new HttpProblem(401, 'Unauthorized', detail, 'unauthorized', { headers: { 'WWW-Authenticate': 'Bearer' } });
export const forbidden = (detail = 'You are not allowed to do this') =>
  new HttpProblem(403, 'Forbidden', detail, 'forbidden');
export const notFound = (what: string) => new HttpProblem(404, 'Not Found', `${what} not found`, 'not-found');
export const conflict = (detail: string, slug = 'conflict') => new HttpProblem(409, 'Conflict', detail, slug);
export const preconditionFailed = (detail: string) =>
  new HttpProblem(412, 'Precondition Failed', detail, 'precondition-failed');

/** 412 when If-Match named another version than the item is at; undefined when none was given or it matches. */
export function staleVersion(what: string, version: unknown, expected: number | undefined): HttpProblem | undefined {
  if (expected === undefined || version === expected) return undefined;
  return preconditionFailed(`The ${what} is at version ${String(version)}, not ${expected}`);
}

/** Throws {@link staleVersion}'s 412 when there is one. */
export function assertVersion(what: string, version: unknown, expected: number | undefined): void {
  const stale = staleVersion(what, version, expected);
  if (stale) throw stale;
}
export const payloadTooLarge = (limit: number) =>
  new HttpProblem(413, 'Payload Too Large', `The request body exceeds ${limit} bytes`, 'payload-too-large');
export const unsupportedMediaType = (detail = 'The request body must be application/json') =>
  new HttpProblem(415, 'Unsupported Media Type', detail, 'unsupported-media-type');
