import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Quiescing the local runtime, so `npm run backup` can take a consistent snapshot while it runs.
 *
 * The gate sits in front of every Lambda invocation of the gateway. Closing it holds new
 * invocations (they wait, they are not refused) and waits for the ones in flight. Every command is
 * one DynamoDB request (docs/architecture.md#data) whose commit the runtime awaits before answering (local/durability.ts),
 * so once the gate is idle no command is half-applied and every acknowledged one is on disk. The
 * stream poller keeps running until every consumer has read the stream to its end, so the audit
 * table (and any derived data) reflects every change in the single table. Then the tables are a
 * state the running system really was in, and stay so until the gate reopens.
 */
export class InvocationGate {
  private inFlight = 0;
  private held?: { promise: Promise<void>; open: () => void };
  private idleWaiters: Array<() => void> = [];

  /** Runs `fn` once the gate is open, counting it as in flight until it settles. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    while (this.held) await this.held.promise;
    this.inFlight += 1;
    try {
      return await fn();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  }

  get closed(): boolean {
    return this.held !== undefined;
  }

  /** Holds new invocations and resolves once none is in flight. */
  async close(): Promise<void> {
    if (!this.held) {
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      this.held = { promise, open };
    }
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Lets held and new invocations run. */
  open(): void {
    const held = this.held;
    this.held = undefined;
    held?.open();
  }
}

export interface QuiesceTarget {
  gate: InvocationGate;
  /** Resolves once every stream consumer has read the stream to its end. */
  streamsSettled: () => Promise<void>;
  /** Resolves once every acknowledged write is committed (local/durability.ts). */
  committed: () => Promise<void>;
  /** What a snapshot needs: the DynamoDB endpoint and the table names. */
  describe: () => Record<string, unknown>;
  log?: (line: string) => void;
  /** How long invocations in flight and stream consumers may take to finish (default 30 s). */
  drainTimeoutMs?: number;
}

export interface ControlServer {
  url: string;
  token: string;
  close(): Promise<void>;
}

const DEFAULT_LEASE_MS = 60_000;
const MAX_LEASE_MS = 10 * 60_000;
const DRAIN_TIMEOUT_MS = 30_000;

/** True if `promise` settles within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The runtime's control endpoint on loopback (its URL and bearer token are in the data directory's
 * runtime.json, readable by its owner only):
 * - `POST /quiesce {"leaseMs"}` → 200 with the endpoint and table names once quiet; the runtime
 *   reopens by itself when the lease ends, so a backup that dies never leaves it stuck;
 *   409 while another quiesce holds it, 503 (and resumed) if the invocations in flight or the
 *   stream consumers do not finish within 30 s.
 * - `POST /resume` → 204.
 */
export async function startControlServer(target: QuiesceTarget): Promise<ControlServer> {
  const token = randomBytes(24).toString('hex');
  let lease: NodeJS.Timeout | undefined;
  const log = target.log ?? (() => undefined);

  const resume = () => {
    clearTimeout(lease);
    lease = undefined;
    target.gate.open();
  };

  const authorized = (req: IncomingMessage) => {
    const given = Buffer.from(String(req.headers.authorization ?? ''));
    const expected = Buffer.from(`Bearer ${token}`);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const reply = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };

  const readJson = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    let text = '';
    for await (const chunk of req) {
      text += String(chunk);
      if (text.length > 10_000) throw new Error('body too large');
    }
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      if (!authorized(req)) return reply(res, 401, { error: 'unauthorized' });
      if (req.method === 'POST' && req.url === '/quiesce') {
        if (target.gate.closed) return reply(res, 409, { error: 'The runtime is already quiesced (another backup is running)' });
        const body = await readJson(req);
        const leaseMs = Math.min(MAX_LEASE_MS, Math.max(1_000, Number(body.leaseMs ?? DEFAULT_LEASE_MS) || DEFAULT_LEASE_MS));
        const started = Date.now();
        const limit = target.drainTimeoutMs ?? DRAIN_TIMEOUT_MS;
        // Bounded: an invocation that never ends (or waits on a held one) must not wedge the runtime.
        if (!(await within(target.gate.close(), limit))) {
          resume();
          return reply(res, 503, { error: `Invocations in flight did not finish within ${limit} ms` });
        }
        if (!(await within(target.streamsSettled(), limit))) {
          resume();
          return reply(res, 503, { error: `The stream consumers did not catch up within ${limit} ms` });
        }
        await target.committed();
        lease = setTimeout(() => {
          log(`Quiesce lease of ${leaseMs} ms ended: resuming`);
          resume();
        }, leaseMs);
        log(`Quiesced for a snapshot in ${Date.now() - started} ms`);
        return reply(res, 200, { ...target.describe(), quiescedAt: new Date().toISOString(), leaseMs });
      }
      if (req.method === 'POST' && req.url === '/resume') {
        resume();
        return reply(res, 204);
      }
      return reply(res, 404, { error: 'not found' });
    })().catch((error: unknown) => {
      resume();
      if (!res.headersSent) reply(res, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        resume();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Client side: quiesces the runtime described by runtime.json, runs `fn`, then resumes it. */
export async function whileQuiesced<T>(
  control: { url: string; token: string },
  fn: (described: Record<string, unknown>) => Promise<T>,
  leaseMs = DEFAULT_LEASE_MS,
): Promise<T> {
  const headers = { authorization: `Bearer ${control.token}`, 'content-type': 'application/json' };
  const res = await fetch(`${control.url}/quiesce`, { method: 'POST', headers, body: JSON.stringify({ leaseMs }) });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`The runtime could not be quiesced (${res.status}): ${String(body.error)}`);
  try {
    return await fn(body);
  } finally {
    await fetch(`${control.url}/resume`, { method: 'POST', headers }).catch(() => undefined);
  }
}
