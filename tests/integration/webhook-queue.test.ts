import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { advanceClock, rewindClock } from '../../functions/shared/clock';
import { WEBHOOK_QUEUE } from '../../functions/shared/schema/webhook-queue';
import type { DeliveryMessage } from '../../functions/webhooks/model';
import { createLocalQueue, type LocalDeliveryQueue, type QueueHandler } from '../../local/queue';

/**
 * The local delivery queue (local/queue.ts): its journal survives a SIGKILL (a real child process is
 * killed mid-invocation, and a new queue on the same directory delivers what was not acknowledged),
 * and a message put off with retryLater stays hidden until the controllable clock passes its delay,
 * across a restart too.
 */
jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '../..');
let stateDir: string;
const queues: LocalDeliveryQueue[] = [];
let moved = 0;

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'webhook-queue-'));
});
afterEach(async () => {
  await Promise.all(queues.splice(0).map((queue) => queue.stop()));
  rewindClock(moved);
  moved = 0;
  rmSync(stateDir, { recursive: true, force: true });
});

function advance(seconds: number): void {
  advanceClock(seconds * 1000);
  moved += seconds * 1000;
}

function queueOf(handler: QueueHandler): LocalDeliveryQueue {
  const queue = createLocalQueue({ stateDir, handler, pollIntervalMs: 10 });
  queues.push(queue);
  return queue;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 10_000; !condition(); await sleep(10)) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
  }
}

const message = (endpointId: string): DeliveryMessage => ({ endpointId, eventSortKey: `2026-01-01T00:00:00.000Z#msg_${endpointId}` });
const endpointOf = (event: SQSEvent) => (JSON.parse(event.Records[0]!.body) as DeliveryMessage).endpointId;

it('delivers again, after a SIGKILL, every message not acknowledged, and no acknowledged one', async () => {
  // The child acknowledges `ack-*` messages and hangs on the others, then is killed.
  const script = join(stateDir, 'child.ts');
  writeFileSync(
    script,
    `import { createLocalQueue } from ${JSON.stringify(join(ROOT, 'local/queue'))};
const queue = createLocalQueue({
  stateDir: ${JSON.stringify(stateDir)},
  pollIntervalMs: 10,
  handler: async (event) => {
    if (JSON.parse(event.Records[0].body).endpointId.startsWith('ack-')) return { batchItemFailures: [] };
    return new Promise(() => undefined);
  },
});
void (async () => {
  await queue.send(${JSON.stringify([message('ack-1'), message('hang-1'), message('ack-2')])});
  queue.start();
  while (queue.size > 1) await new Promise((done) => setTimeout(done, 10));
  await queue.send(${JSON.stringify([message('later-1')])}, 600);
  process.stdout.write('ready\\n');
})();
`,
  );
  // Node itself with tsx's loader (not the tsx CLI, whose own child would outlive the kill).
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((ready, failed) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && ready());
    child.on('exit', (code) => failed(new Error(`The child exited (${code}) before it was ready`)));
  });
  const exited = new Promise((done) => child.on('exit', done));
  child.kill('SIGKILL');
  await exited;

  const delivered: string[] = [];
  const queue = queueOf(async (event) => {
    delivered.push(endpointOf(event));
    return { batchItemFailures: [] };
  });
  expect(queue.size).toBe(2);
  queue.start();
  await waitFor(() => delivered.length === 1, 'the redelivery');
  await queue.idle();
  expect(delivered).toEqual(['hang-1']);
  // The delayed message keeps its delay across the restart.
  expect(queue.size).toBe(1);
  advance(600);
  await waitFor(() => delivered.length === 2, 'the delayed message');
  expect(delivered).toEqual(['hang-1', 'later-1']);
  await waitFor(() => queue.size === 0, 'the delete');
});

it('hides a message put off with retryLater until the clock passes the delay, across a restart too', async () => {
  const receives: string[] = [];
  const first: LocalDeliveryQueue = queueOf(async (event) => {
    const record = event.Records[0]!;
    receives.push(record.attributes.ApproximateReceiveCount);
    await first.retryLater(record.receiptHandle, 300);
    return { batchItemFailures: [{ itemIdentifier: record.messageId }] };
  });
  first.start();
  await first.send([message('retry-1')]);
  await waitFor(() => receives.length === 1, 'the first receive');
  await first.stop();
  queues.splice(queues.indexOf(first), 1);
  expect(readFileSync(join(stateDir, 'webhook-queue.jsonl'), 'utf8')).toMatch(/"op":"visibility"/);

  const delivered: string[] = [];
  const second = queueOf(async (event) => {
    delivered.push(endpointOf(event));
    return { batchItemFailures: [] };
  });
  second.start();
  advance(299);
  await sleep(150);
  expect(delivered).toEqual([]);
  advance(2);
  await waitFor(() => delivered.length === 1, 'the retry');
  expect(delivered).toEqual(['retry-1']);
  await waitFor(() => second.size === 0, 'the delete');
});

it('brings a failed invocation back after the visibility timeout', async () => {
  let calls = 0;
  const queue = queueOf(async (event) => {
    calls += 1;
    if (calls === 1) throw new Error('the worker crashed');
    expect(event.Records[0]!.attributes.ApproximateReceiveCount).toBe('2');
    return { batchItemFailures: [] };
  });
  queue.start();
  await queue.send([message('crash-1')]);
  await waitFor(() => calls === 1, 'the first receive');
  await sleep(100);
  expect(calls).toBe(1);
  advance(WEBHOOK_QUEUE.visibilityTimeoutSeconds);
  await waitFor(() => calls === 2, 'the second receive');
  await waitFor(() => queue.size === 0, 'the delete');
});
