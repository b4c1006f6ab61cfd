import { documentClient } from '../functions/shared/db';
import { routes } from '../functions/routes';
import { measured, recordCapacity, type SentRequest } from './capacity';
import { Fixtures, SCENARIOS } from './route-scenarios';
import { median } from './stats';

export interface RouteMeasurement {
  operationId: string;
  api: 'admin' | 'partner';
  module: string;
  method: string;
  path: string;
  /** The DynamoDB requests of the call, in order, with their consumed capacity (the last round). */
  requests: SentRequest[];
  /** Median handler duration over the rounds, in process against DynamoDB Local (ms). */
  durationMs: number;
}

/**
 * Runs every route of the route table once per round, each on fresh fixtures, recording the DynamoDB
 * requests (and capacity) of the measured call only. Each route first runs once unrecorded, so what
 * is measured is a warm container (module-scope caches such as the approval policy filled), as
 * almost every request in production is. Throws when a route has no scenario or answers
 * another status than its scenario expects.
 */
export async function measureRoutes(rounds = 1, only?: (operationId: string) => boolean): Promise<RouteMeasurement[]> {
  const recorder = recordCapacity(documentClient);
  const fx = await Fixtures.create();
  const results: RouteMeasurement[] = [];
  for (const route of routes) {
    if (only && !only(route.operationId)) continue;
    const scenario = SCENARIOS[route.operationId];
    if (!scenario) throw new Error(`No bench scenario for route ${route.operationId} (bench/route-scenarios.ts)`);
    const durations: number[] = [];
    let requests: SentRequest[] = [];
    for (let round = -1; round < rounds; round++) {
      const { status, ...options } = await scenario(fx);
      recorder.reset();
      const started = process.hrtime.bigint();
      const res = await measured(() => fx.call(route.operationId, options));
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (round >= 0) {
        durations.push(ms);
        requests = recorder.requests();
      }
      if (res.status !== status) throw new Error(`${route.operationId}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
    }
    results.push({ operationId: route.operationId, api: route.api, module: route.module, method: route.method, path: route.path, requests, durationMs: median(durations) });
  }
  return results;
}
