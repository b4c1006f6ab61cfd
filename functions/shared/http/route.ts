import type * as z from 'zod/mini';
import type { Permission, Scope } from '../auth/permissions';
import type { Principal } from '../auth/principal';

export type ApiName = 'admin' | 'partner';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One Lambda function per module; each routes its own paths. */
export const MODULES = [
  'docs',
  'iam',
  'catalog',
  'audit',
  'approvals',
  'orders',
  'finance',
  'logistics',
  'support',
  'exports',
  'analytics',
  'content',
  'webhooks',
] as const;
export type ModuleName = (typeof MODULES)[number];

export const API_BASE_PATH: Record<ApiName, string> = { admin: '/admin/v1', partner: '/partner/v1' };

/**
 * Who may call a route. Admin routes name a permission, or `authenticated` for routes any
 * active staff member may call (their own profile, the API description). Partner routes name a scope,
 * or `anyKey` for routes any valid partner key may call (the API description).
 * There is no "public" access: every route requires credentials (deny by default).
 */
export type AdminAccess = { permission: Permission } | { authenticated: true };
export type PartnerAccess = { scope: Scope } | { anyKey: true };

interface RouteBase {
  /** Unique, camelCase; names the implementation and the OpenAPI operation. */
  operationId: string;
  method: HttpMethod;
  /** Path below the API's base path, with `{name}` parameters. */
  path: string;
  module: ModuleName;
  /** One short line (the operation's title in generated docs and clients). */
  summary: string;
  /** A few sentences: what it does and its notable answers (access and paging are added from the spec). */
  description: string;
  params?: z.ZodMiniType<Record<string, unknown>>;
  query?: z.ZodMiniType<Record<string, unknown>>;
  body?: z.ZodMiniType;
  /** Status code → body schema (`null`: no body). */
  responses: Record<number, z.ZodMiniType | null>;
  /** `required`: the command needs the caller's `If-Match` version. */
  ifMatch?: 'optional' | 'required';
  /**
   * The command takes an `Idempotency-Key` header (`required`: 400 without it). Same key and request →
   * the first response again; same key, another request → 422 (functions/shared/idempotency.ts).
   */
  idempotencyKey?: 'optional' | 'required';
  /** Body size limit in bytes (413 above it); defaults to DEFAULT_BODY_LIMIT. */
  bodyLimit?: number;
  /**
   * Whether the implementation can answer 409 (a state that forbids the command, a unique value
   * taken, a concurrent change). Defaults to true for commands (every method but GET), false for GET.
   */
  conflicts?: boolean;
  /**
   * Whether the implementation can answer 404. Defaults to true when the path has parameters; set it
   * for commands whose body names something that may not exist (the order of a payment).
   */
  notFound?: boolean;
  /** Success statuses whose answer carries a `Location` header (the created resource or the approval). */
  location?: readonly number[];
}

export type AdminRoute = RouteBase & { api: 'admin'; access: AdminAccess };
export type PartnerRoute = RouteBase & { api: 'partner'; access: PartnerAccess };
export type RouteSpec = AdminRoute | PartnerRoute;

export const DEFAULT_BODY_LIMIT = 256 * 1024;

export function fullPath(route: Pick<RouteSpec, 'api' | 'path'>): string {
  return API_BASE_PATH[route.api] + route.path;
}

/** `GET /admin/v1/products/{id}`: the HTTP API routeKey, and how handlers dispatch. */
export function routeKey(route: Pick<RouteSpec, 'api' | 'path' | 'method'>): string {
  return `${route.method} ${fullPath(route)}`;
}

type Infer<S> = S extends z.ZodMiniType ? z.infer<S> : undefined;

/** What an implementation receives: validated input plus who is calling and in which request. */
export interface RouteRequest<R extends RouteSpec> {
  params: Infer<R['params']>;
  query: Infer<R['query']>;
  body: Infer<R['body']>;
  principal: Principal;
  /** The `If-Match` version, when the caller sent one. */
  ifMatch: number | undefined;
  headers: Record<string, string | undefined>;
  requestId: string;
  sourceIp: string;
}

type ResponseOf<R extends RouteSpec> = {
  [S in keyof R['responses'] & number]: {
    status: S;
    body: R['responses'][S] extends z.ZodMiniType ? z.input<R['responses'][S]> : undefined;
    headers?: Record<string, string>;
  };
}[keyof R['responses'] & number];

export type RouteResponse<R extends RouteSpec> = ResponseOf<R>;

/** One implementation per route of a module, keyed by operationId, checked by the compiler. */
export type Implementations<Routes extends readonly RouteSpec[]> = {
  [R in Routes[number] as R['operationId']]: (request: RouteRequest<R>) => Promise<RouteResponse<R>>;
};

/** Keeps literal types (operationId, status codes) so implementations are checked exactly. */
export function defineRoutes<const T extends readonly RouteSpec[]>(routes: T): T {
  return routes;
}
