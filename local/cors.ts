/**
 * The admin API's CORS configuration, as the HTTP API's `corsPreflight` would declare it. With CORS
 * configured, API Gateway answers preflight requests itself, adds these headers to integration
 * responses for allowed origins and ignores CORS headers returned by the Lambda (AWS docs,
 * "Configure CORS for HTTP APIs"); the local gateway does the same.
 * Keep in step with `corsPreflight` in lib/constructs/admin-api.ts (the e2e tests compare them); the
 * allowed and exposed headers are one shared list (functions/shared/http/cors.ts).
 */
import { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS } from '../functions/shared/http/cors';

export { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS };
export const CORS_ALLOW_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export const CORS_MAX_AGE_SECONDS = 600;

export const DEFAULT_ALLOWED_ORIGINS = ['http://localhost:5173', 'http://localhost:3001'];

export function parseOrigins(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return DEFAULT_ALLOWED_ORIGINS;
  return value
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean);
}

export class CorsPolicy {
  private readonly origins: Set<string>;
  private readonly any: boolean;

  constructor(origins: readonly string[]) {
    this.origins = new Set(origins);
    this.any = this.origins.has('*');
  }

  allows(origin: string | undefined): origin is string {
    return origin !== undefined && (this.any || this.origins.has(origin));
  }

  /** A preflight: OPTIONS with an Origin and Access-Control-Request-Method. */
  static isPreflight(method: string, headers: Record<string, string | string[] | undefined>): boolean {
    return method === 'OPTIONS' && typeof headers.origin === 'string' && typeof headers['access-control-request-method'] === 'string';
  }

  /**
   * Headers of the preflight answer (always 204): the allow headers only when the origin is
   * allowed, so the browser blocks the actual request otherwise.
   */
  preflightHeaders(origin: string | undefined): Record<string, string> {
    if (!this.allows(origin)) return { vary: 'Origin' };
    return {
      'access-control-allow-origin': this.any ? '*' : origin,
      'access-control-allow-methods': CORS_ALLOW_METHODS.join(','),
      'access-control-allow-headers': CORS_ALLOW_HEADERS.join(','),
      'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
      vary: 'Origin',
    };
  }

  /** Replaces whatever CORS headers the integration returned with the configured ones. */
  applyToResponse(origin: string | undefined, headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (!name.toLowerCase().startsWith('access-control-')) out[name] = value;
    }
    if (this.allows(origin)) {
      out['access-control-allow-origin'] = this.any ? '*' : origin;
      out['access-control-expose-headers'] = CORS_EXPOSE_HEADERS.join(',');
      const vary = Object.entries(out).find(([name]) => name.toLowerCase() === 'vary');
      if (!vary) out.vary = 'Origin';
    }
    return out;
  }
}
