import { nowIso } from '../clock';
import type { WriteContext } from '../write-context';
import type { RouteRequest, RouteSpec } from './route';

/** The write stamp (actor, request id, source IP, time) of an HTTP request. */
export function writeContextOf(request: RouteRequest<RouteSpec>): WriteContext {
  return { actor: request.principal.actor, requestId: request.requestId, sourceIp: request.sourceIp, at: nowIso() };
}
