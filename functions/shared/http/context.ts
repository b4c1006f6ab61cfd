import { nowIso } from '../clock';
import { forbidden } from '../errors';
import type { WriteContext } from '../write-context';
import type { RouteRequest, RouteSpec } from './route';

/** The write stamp (actor, request id, source IP, time) of an HTTP request. */
export function writeContextOf(request: RouteRequest<RouteSpec>): WriteContext {
  return { actor: request.principal.actor, requestId: request.requestId, sourceIp: request.sourceIp, at: nowIso() };
}

/** The calling partner's id; a partner route reached any other way is refused. */
export function partnerIdOf(request: RouteRequest<RouteSpec>): string {
  if (request.principal.kind !== 'partner') throw forbidden('Only partners call the partner API');
  return request.principal.id;
}
