import {
  APPROVAL_STARTER_CONSUMER,
  AUDIT_CONSUMER,
  DIRECTORY_SYNC_CONSUMER,
  METRICS_CONSUMER,
  PARTNER_EVENTS_CONSUMER,
  USAGE_PLAN_SYNC_CONSUMER,
} from '../functions/shared/schema/stream-consumers';
import { WEBHOOK_QUEUE } from '../functions/shared/schema/webhook-queue';
import { EXTRA_FUNCTIONS } from './bundles';
import type { RouteMeasurement, WrittenRecord } from './route-measure';

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
  sqsRequestPerMillion: 0.4, // SQS standard queue, per 64 KB request
} as const;

/**
 * The partner key authorizer runs before every partner request (no result cache): its duration is
 * assumed (it is not in the route's handler); it reads the key and the partner, two strongly
 * consistent GetItems of small items (1 RRU each; docs/decisions.md).
 */
export const AUTHORIZER_ASSUMED_MS = 10;
export const AUTHORIZER_READ_UNITS = 2;
/** The authorizer's requests: GetItem of the key, GetItem of the partner. */
const AUTHORIZER_REQUESTS = 2;

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

// ---------------------------------------------------------------------------------------------
// What a write costs downstream: the stream consumers it triggers (issue 19, part d)

const memoryOf = (name: string) => EXTRA_FUNCTIONS.find((f) => f.name === name)!.memoryMb;
const KB = 1024;
const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / KB));

/**
 * The consumers' cost model, per stream record (ASSUMPTIONS, read from the consumers' code; durations
 * are guesses for Lambda next to DynamoDB in one region, not measured):
 * - audit (functions/audit): one strongly consistent BatchGetItem of 5 keys (event marker, chain head,
 *   3 legal-hold levels: 1 RRU each, found or not) and one TransactWriteItems of entry + head + marker
 *   (2 WRU per KB each), plus the entry's two GSI writes (byActor, byDay; ALL projection, 1 WRU per KB).
 *   Each record is assumed the only one of its chain in its batch (appending several entries of a
 *   chain at once shares the head and the hold reads);
 * - metrics (functions/analytics): a batch is counted together — one strongly consistent BatchGetItem
 *   of the counting records' markers (1 RRU each) and one TransactWriteItems of their markers (2 WRU
 *   each) and one summed update per day (2 WRU, shared by the batch); the other records are only read;
 * - partner events (functions/webhooks): per event, each entitled partner with one endpoint
 *   subscribed to it (`PARTNER_EVENT_RECIPIENTS`): one Query of its endpoints (0.5 RRU), one
 *   TransactWriteItems of the feed event + the delivery (2 WRU per KB each), one SendMessageBatch;
 *   then per delivery the delivery worker: ReceiveMessage + DeleteMessage (not batched: an upper
 *   bound), two strongly consistent GetItems (delivery, endpoint) and two UpdateItems of the delivery
 *   (claim, outcome), and an outbound POST of `DELIVERY_MS`;
 * - approval starter: one StartExecution (Step Functions' state transitions are not counted);
 *   directory sync and usage-plan sync: the Lambda invocation (Cognito and API Gateway management
 *   calls are free); the export worker is the export's own cost, not a write's.
 * Lambda: invocations (and the metrics' day updates) amortized over full batches of the event
 * source's batch size (sustained load; at low traffic a batch may hold one record), arm64 at each
 * function's memory. Reading the stream
 * is free for Lambda triggers. No CloudWatch Logs.
 */
export const CONSUMER_MODEL = {
  audit: { memoryMb: memoryOf('audit-consumer'), batchSize: AUDIT_CONSUMER.batchSize, msPerRecord: 10, readKeys: 5, indexes: 2 },
  metrics: { memoryMb: memoryOf('metrics-consumer'), batchSize: METRICS_CONSUMER.batchSize, msPerRecord: 5, msPerSkipped: 0.2 },
  partnerEvents: { memoryMb: memoryOf('partner-events-consumer'), batchSize: PARTNER_EVENTS_CONSUMER.batchSize, msPerEvent: 15, msPerSkipped: 0.2 },
  delivery: { memoryMb: memoryOf('webhook-delivery-worker'), batchSize: WEBHOOK_QUEUE.batchSize, msPerDelivery: 100 },
  approvalStarter: { memoryMb: memoryOf('approval-starter'), batchSize: APPROVAL_STARTER_CONSUMER.batchSize, msPerRecord: 30 },
  sync: { memoryMb: memoryOf('directory-sync'), batchSize: DIRECTORY_SYNC_CONSUMER.batchSize, msPerRecord: 100 },
} as const;
/** Partners receiving each partner event, each with one endpoint subscribed to its type (an order's or shipment's event has exactly one entitled partner). */
export const PARTNER_EVENT_RECIPIENTS = 1;
/** The partner events consumer's feed item and a delivery item beyond the payload they carry (keys, ids, times, status). */
const FEED_ITEM_OVERHEAD = 250;
const DELIVERY_ITEM_OVERHEAD = 350;
const SMALL_ITEM = 300; // chain head, event marker, metric day item

export interface ConsumerCost {
  /** Stream records the call caused (single table, derived entity types included). */
  records: number;
  /** Of which the audit consumer appends an entry for. */
  audited: number;
  /** Of which move a daily metric. */
  counted: number;
  partnerEvents: number;
  deliveries: number;
  rru: number;
  wru: number;
  sqsRequests: number;
  lambdaInvocations: number;
  /** USD per million calls of the route, per consumer and in total. */
  costPerMillionUsd: { audit: number; metrics: number; partnerEvents: number; other: number; lambda: number; dynamodb: number; sqs: number; total: number };
}

/** Estimated cost in USD per million calls of the stream consumers a route's writes trigger (CONSUMER_MODEL). */
export function consumerCostPerMillion(records: readonly WrittenRecord[]): ConsumerCost {
  const lambdaUsd = (memoryMb: number, ms: number, invocations: number) => invocations * PRICES.lambdaRequestPerMillion + (memoryMb / 1024) * (ms / 1000) * PRICES.lambdaArmGbSecond * 1e6;
  const dynamoUsd = (rru: number, wru: number) => rru * PRICES.dynamoReadRequestUnitPerMillion + wru * PRICES.dynamoWriteRequestUnitPerMillion;
  const cost = { audit: 0, metrics: 0, partnerEvents: 0, other: 0, lambda: 0, dynamodb: 0, sqs: 0, total: 0 };
  const totals = { audited: 0, counted: 0, partnerEvents: 0, deliveries: 0, rru: 0, wru: 0, sqsRequests: 0, lambdaInvocations: 0 };
  const add = (consumer: 'audit' | 'metrics' | 'partnerEvents' | 'other', usage: { memoryMb: number; ms: number; invocations: number; rru?: number; wru?: number; sqs?: number }) => {
    const lambda = lambdaUsd(usage.memoryMb, usage.ms, usage.invocations);
    const dynamodb = dynamoUsd(usage.rru ?? 0, usage.wru ?? 0);
    const sqs = (usage.sqs ?? 0) * PRICES.sqsRequestPerMillion;
    cost[consumer] += lambda + dynamodb + sqs;
    cost.lambda += lambda;
    cost.dynamodb += dynamodb;
    cost.sqs += sqs;
    totals.rru += usage.rru ?? 0;
    totals.wru += usage.wru ?? 0;
    totals.sqsRequests += usage.sqs ?? 0;
    totals.lambdaInvocations += usage.invocations;
  };
  for (const r of records) {
    const to = new Set(r.consumers);
    if (to.has(AUDIT_CONSUMER.name) && r.auditEntryBytes > 0) {
      const m = CONSUMER_MODEL.audit;
      totals.audited += 1;
      add('audit', {
        memoryMb: m.memoryMb,
        ms: m.msPerRecord,
        invocations: 1 / m.batchSize,
        rru: m.readKeys,
        wru: 2 * (writeUnits(r.auditEntryBytes) + 2 * writeUnits(SMALL_ITEM)) + m.indexes * writeUnits(r.auditEntryBytes),
      });
    }
    if (to.has(METRICS_CONSUMER.name)) {
      const m = CONSUMER_MODEL.metrics;
      if (r.metricDays > 0) totals.counted += 1;
      add('metrics', {
        memoryMb: m.memoryMb,
        ms: r.metricDays > 0 ? m.msPerRecord : m.msPerSkipped,
        invocations: 1 / m.batchSize,
        rru: r.metricDays > 0 ? 1 : 0,
        wru: r.metricDays > 0 ? 2 * writeUnits(SMALL_ITEM) * (1 + r.metricDays / m.batchSize) : 0,
      });
    }
    if (to.has(PARTNER_EVENTS_CONSUMER.name)) {
      const m = CONSUMER_MODEL.partnerEvents;
      const d = CONSUMER_MODEL.delivery;
      add('partnerEvents', { memoryMb: m.memoryMb, ms: r.partnerEvents.length > 0 ? 0 : m.msPerSkipped, invocations: 1 / m.batchSize });
      for (const event of r.partnerEvents) {
        const deliveryBytes = event.payloadBytes + DELIVERY_ITEM_OVERHEAD;
        totals.partnerEvents += PARTNER_EVENT_RECIPIENTS;
        totals.deliveries += PARTNER_EVENT_RECIPIENTS;
        add('partnerEvents', {
          memoryMb: m.memoryMb,
          ms: m.msPerEvent * PARTNER_EVENT_RECIPIENTS,
          invocations: 0,
          rru: 0.5 * PARTNER_EVENT_RECIPIENTS,
          wru: 2 * (writeUnits(event.payloadBytes + FEED_ITEM_OVERHEAD) + writeUnits(deliveryBytes)) * PARTNER_EVENT_RECIPIENTS,
          sqs: PARTNER_EVENT_RECIPIENTS,
        });
        add('partnerEvents', {
          memoryMb: d.memoryMb,
          ms: d.msPerDelivery * PARTNER_EVENT_RECIPIENTS,
          invocations: PARTNER_EVENT_RECIPIENTS / d.batchSize,
          rru: 2 * PARTNER_EVENT_RECIPIENTS,
          wru: 2 * writeUnits(deliveryBytes) * PARTNER_EVENT_RECIPIENTS,
          sqs: 2 * PARTNER_EVENT_RECIPIENTS,
        });
      }
    }
    if (to.has(APPROVAL_STARTER_CONSUMER.name)) {
      const m = CONSUMER_MODEL.approvalStarter;
      add('other', { memoryMb: m.memoryMb, ms: m.msPerRecord, invocations: 1 / m.batchSize });
    }
    if (to.has(DIRECTORY_SYNC_CONSUMER.name) || to.has(USAGE_PLAN_SYNC_CONSUMER.name)) {
      const m = CONSUMER_MODEL.sync;
      add('other', { memoryMb: m.memoryMb, ms: m.msPerRecord, invocations: 1 / m.batchSize });
    }
  }
  cost.total = cost.lambda + cost.dynamodb + cost.sqs;
  return { records: records.length, ...totals, costPerMillionUsd: cost };
}

/** The route table's extra columns: requests with and without the authorization read, and the consumers' cost. */
export interface RouteCostColumns {
  /** The route's DynamoDB requests plus its authorization reads (admin: the staff read, in the list; partner: the key authorizer's two GetItems, not in it). */
  requestsWithAuth: number;
  /** Without them (admin: without the first GetItem). */
  requestsWithoutAuth: number;
  /** The stream records the call caused, as `entity+` (insert), `entity~` (update), `entity-` (removal). */
  streamRecords: string[];
  consumers: ReturnType<typeof roundConsumerCost>;
  /** The request path (API Gateway, Lambda, DynamoDB) plus the consumers, USD per million calls. */
  totalWithConsumersUsd: number;
}

function roundConsumerCost(c: ConsumerCost) {
  const r3 = (n: number) => Math.round(n * 1000) / 1000;
  return {
    ...c,
    rru: r3(c.rru),
    wru: r3(c.wru),
    sqsRequests: r3(c.sqsRequests),
    lambdaInvocations: r3(c.lambdaInvocations),
    costPerMillionUsd: Object.fromEntries(Object.entries(c.costPerMillionUsd).map(([k, v]) => [k, r3(v)])) as ConsumerCost['costPerMillionUsd'],
  };
}

/** For run.ts routeRows: `...routeCostColumns(m, cost)` with `cost` = costPerMillion(m, …) of the same route. */
export function routeCostColumns(m: RouteMeasurement, requestCost: Pick<RouteCost, 'total'>): RouteCostColumns {
  const n = m.requests.length;
  const consumers = consumerCostPerMillion(m.streamRecords ?? []);
  const sign = { INSERT: '+', MODIFY: '~', REMOVE: '-' } as const;
  return {
    requestsWithAuth: m.api === 'admin' ? n : n + AUTHORIZER_REQUESTS,
    requestsWithoutAuth: m.api === 'admin' ? Math.max(0, n - 1) : n,
    streamRecords: (m.streamRecords ?? []).map((r) => `${r.entityType}${sign[r.eventName]}`),
    consumers: roundConsumerCost(consumers),
    totalWithConsumersUsd: Math.round((requestCost.total + consumers.costPerMillionUsd.total) * 1000) / 1000,
  };
}

type RouteCostRow = RouteCostColumns & { operationId: string; route: string; costPerMillionUsd: { total: number } };

const usd = (n: number) => `$${n.toFixed(2)}`;

/** The report's section: per route, requests with and without the authorization read, the stream records and what the consumers cost. */
export function routeCostReportLines(rows: readonly RouteCostRow[]): string[] {
  const m = CONSUMER_MODEL;
  const writing = rows.filter((r) => r.streamRecords.length > 0);
  return [
    '## Stream consumers: what a write costs downstream',
    '',
    `Per route, the DynamoDB requests with and without the authorization read (admin: the caller's staff record, the first GetItem; partner: the key authorizer's two GetItems, outside the route's list), then the single table's stream records the measured call caused — read from DynamoDB Local's stream after the call, matched to the items the call wrote (\`+\` insert, \`~\` update, \`-\` removal; a write that changed nothing makes none) — and the estimated cost per million calls of the stream consumers they trigger. Which consumer receives a record is its event source filter (functions/shared/schema/stream-consumers.ts); what it does with it is the consumer's own pure code run on the record (audit entry size, metric days, partner events and payload sizes).`,
    '',
    `Cost model (**assumptions**, from the consumers' code): audit — per record a strongly consistent BatchGetItem of ${m.audit.readKeys} keys (1 RRU each) and a three-item TransactWriteItems (entry, chain head, event marker: 2 WRU per KB each) plus the entry's ${m.audit.indexes} GSI writes (1 WRU per KB), each record alone in its chain's batch; metrics — a batch is counted together: per record that moves a counter, its marker read (1 RRU) and written (2 WRU) in the batch's transaction, whose one update per day (2 WRU) the batch shares; partner events — per event ${PARTNER_EVENT_RECIPIENTS} entitled partner with one subscribed endpoint: an endpoints Query (0.5 RRU), the feed event and the delivery in one transaction (2 WRU per KB each), one SendMessageBatch, then the delivery worker's receive and delete (unbatched), two GetItems, two UpdateItems of the delivery and an outbound POST of ${m.delivery.msPerDelivery} ms; approval starter, directory and usage-plan sync — their invocation only (Step Functions transitions not counted). Lambda arm64 at each function's memory; invocations and the metrics' day updates amortized over full batches (audit ${m.audit.batchSize}, metrics ${m.metrics.batchSize}, partner events ${m.partnerEvents.batchSize}, deliveries ${m.delivery.batchSize}): sustained load; at low traffic a batch holds one record, which adds at most $${PRICES.lambdaRequestPerMillion}/M per consumer invocation and $${(2 * PRICES.dynamoWriteRequestUnitPerMillion).toFixed(2)}/M per counted record; assumed durations audit ${m.audit.msPerRecord} ms and metrics ${m.metrics.msPerRecord} ms per record, ${m.partnerEvents.msPerEvent} ms per partner event; SQS $${PRICES.sqsRequestPerMillion}/M requests; reading the stream is free for Lambda triggers. Routes that write nothing are left out (${rows.length - writing.length} of ${rows.length}).`,
    '',
    '| route | requests with auth | without | stream records | audited | counted | partner events | consumer RRU | consumer WRU | audit | metrics | partner events | other | consumers / M | request path / M | **total / M** |',
    '|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...writing.map((r) => {
      const c = r.consumers;
      const p = c.costPerMillionUsd;
      return `| \`${r.route}\` | ${r.requestsWithAuth} | ${r.requestsWithoutAuth} | ${r.streamRecords.join(', ')} | ${c.audited} | ${c.counted} | ${c.partnerEvents} | ${c.rru} | ${c.wru} | ${usd(p.audit)} | ${usd(p.metrics)} | ${usd(p.partnerEvents)} | ${usd(p.other)} | ${usd(p.total)} | ${usd(r.costPerMillionUsd.total)} | **${usd(r.totalWithConsumersUsd)}** |`;
    }),
    '',
    `Read-only routes (requests with / without the authorization read): ${rows
      .filter((r) => r.streamRecords.length === 0)
      .map((r) => `${r.operationId} ${r.requestsWithAuth}/${r.requestsWithoutAuth}`)
      .join(', ')}.`,
    '',
  ];
}

/** The report's targets rows for part (d): the cost of a write includes the consumers it triggers. */
export function routeCostTargetRows(rows: readonly RouteCostRow[]): string[] {
  const writing = rows.filter((r) => r.streamRecords.length > 0);
  if (writing.length === 0) return ['| cost per route includes the stream consumers its writes trigger | no stream records measured | **no** |'];
  const shares = writing.map((r) => r.consumers.costPerMillionUsd.total / r.totalWithConsumersUsd).sort((a, b) => a - b);
  const medianShare = shares[Math.floor((shares.length - 1) / 2)]!;
  const heaviest = writing.reduce((a, b) => (b.consumers.costPerMillionUsd.total > a.consumers.costPerMillionUsd.total ? b : a));
  const order = writing.find((r) => r.operationId === 'partnerCreateOrder');
  return [
    `| cost per route includes the stream consumers its writes trigger | ${writing.length} writing routes; consumers are a median ${Math.round(medianShare * 100)} % of a write's cost; most: ${heaviest.operationId} ${usd(heaviest.consumers.costPerMillionUsd.total)}/M of ${usd(heaviest.totalWithConsumersUsd)}/M${order ? `; a partner order ${usd(order.costPerMillionUsd.total)}/M + consumers ${usd(order.consumers.costPerMillionUsd.total)}/M (${order.streamRecords.join(', ')})` : ''} | reported |`,
  ];
}
