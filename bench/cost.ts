import type { RouteMeasurement } from './route-measure';

/**
 * List prices used for the cost estimate: ASSUMPTIONS, us-east-1, as known for 2026-11, first
 * pricing tier, no free tier, no savings plans. Check https://aws.amazon.com/pricing before relying on them.
 */
export const PRICES = {
  region: 'us-east-1',
  asOf: '2026-11',
  httpApiPerMillion: 1.0, // API Gateway HTTP API (admin), first 300 M requests/month
  restApiPerMillion: 3.5, // API Gateway REST API (partner), first 333 M requests/month
  lambdaRequestPerMillion: 0.2,
  lambdaArmGbSecond: 0.0000133334, // arm64, first 7.5 B GB-s/month
  dynamoReadRequestUnitPerMillion: 0.125, // on-demand, standard table class
  dynamoWriteRequestUnitPerMillion: 0.625,
} as const;

/**
 * The partner key authorizer runs before every partner request (no result cache): its duration is
 * assumed (it is not in the route's handler); it reads the key and the partner, two strongly
 * consistent GetItems of small items (1 RRU each; docs/decisions.md).
 */
export const AUTHORIZER_ASSUMED_MS = 10;
export const AUTHORIZER_READ_UNITS = 2;

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

/**
 * Billed units of one call. DynamoDB Local reports 0 for a request that returns nothing; DynamoDB
 * bills at least 0.5 RRU per read request (eventually consistent) and 1 WRU per write request, so
 * those floors are applied.
 */
export function billedUnits(m: Pick<RouteMeasurement, 'requests'>): { rru: number; wru: number } {
  let rru = 0;
  let wru = 0;
  for (const r of m.requests) {
    if (READS.has(r.operation)) rru += Math.max(r.readUnits, 0.5);
    else {
      wru += Math.max(r.writeUnits, 1);
      rru += r.readUnits;
    }
  }
  return { rru, wru };
}

export interface RouteCost {
  apiGateway: number;
  lambda: number;
  dynamodb: number;
  total: number;
}

/** Estimated cost in USD per million calls of a route. */
export function costPerMillion(m: RouteMeasurement, memoryMb: number, authorizerMemoryMb: number): RouteCost {
  const apiGateway = m.api === 'admin' ? PRICES.httpApiPerMillion : PRICES.restApiPerMillion;
  const gbSeconds = (memoryMb / 1024) * (Math.ceil(m.durationMs) / 1000);
  let lambda = PRICES.lambdaRequestPerMillion + gbSeconds * PRICES.lambdaArmGbSecond * 1e6;
  const { rru, wru } = billedUnits(m);
  let dynamodb = rru * PRICES.dynamoReadRequestUnitPerMillion + wru * PRICES.dynamoWriteRequestUnitPerMillion;
  if (m.api === 'partner') {
    lambda += PRICES.lambdaRequestPerMillion + (authorizerMemoryMb / 1024) * (AUTHORIZER_ASSUMED_MS / 1000) * PRICES.lambdaArmGbSecond * 1e6;
    dynamodb += AUTHORIZER_READ_UNITS * PRICES.dynamoReadRequestUnitPerMillion;
  }
  return { apiGateway, lambda, dynamodb, total: apiGateway + lambda + dynamodb };
}
