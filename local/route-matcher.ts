import { fullPath, routeKey, type RouteSpec } from '../functions/shared/http/route';

/**
 * Matches requests against the route table the way API Gateway selects a route: method + path,
 * `{name}` matches one path segment, `{name+}` the rest; literal segments beat parameters.
 */
type Segment = { literal: string } | { param: string; greedy: boolean };

interface CompiledRoute {
  route: RouteSpec;
  segments: Segment[];
  literals: number;
}

export type RouteMatch =
  | { kind: 'found'; route: RouteSpec; routeKey: string; resource: string; pathParameters: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' }
  | { kind: 'bad-path' };

function compile(route: RouteSpec): CompiledRoute {
  const segments: Segment[] = fullPath(route)
    .split('/')
    .slice(1)
    .map((part) => {
      const param = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(part);
      return param ? { param: param[1]!, greedy: param[2] === '+' } : { literal: part };
    });
  return { route, segments, literals: segments.filter((s) => 'literal' in s).length };
}

function matchSegments(compiled: CompiledRoute, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < compiled.segments.length; i++) {
    const segment = compiled.segments[i]!;
    if ('literal' in segment) {
      if (parts[i] !== segment.literal) return undefined;
      continue;
    }
    if (segment.greedy) {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.every((p) => p === '')) return undefined;
      params[segment.param] = rest.join('/');
      return params;
    }
    const value = parts[i];
    if (value === undefined || value === '') return undefined;
    params[segment.param] = value;
  }
  return parts.length === compiled.segments.length ? params : undefined;
}

export class RouteMatcher {
  private readonly compiled: CompiledRoute[];

  constructor(routes: readonly RouteSpec[]) {
    // Most specific first: more literal segments, then longer paths.
    this.compiled = routes.map(compile).sort((a, b) => b.literals - a.literals || b.segments.length - a.segments.length);
  }

  /** `rawPath` is the percent-encoded request path; parameters are returned decoded. */
  match(method: string, rawPath: string): RouteMatch {
    let parts: string[];
    try {
      parts = rawPath.split('/').slice(1).map((part) => decodeURIComponent(part));
    } catch {
      return { kind: 'bad-path' };
    }
    const allowed = new Set<string>();
    for (const compiled of this.compiled) {
      const params = matchSegments(compiled, parts);
      if (!params) continue;
      if (compiled.route.method === method) {
        return { kind: 'found', route: compiled.route, routeKey: routeKey(compiled.route), resource: fullPath(compiled.route), pathParameters: params };
      }
      allowed.add(compiled.route.method);
    }
    return allowed.size > 0 ? { kind: 'method-not-allowed', allowed: [...allowed].sort() } : { kind: 'not-found' };
  }
}
