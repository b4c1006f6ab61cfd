import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { now } from '../functions/shared/clock';
import { WEBHOOK_QUEUE } from '../functions/shared/schema/webhook-queue';
import type { DeliveryMessage } from '../functions/webhooks/model';
import type { DeliveryQueue } from '../functions/webhooks/queue';
import { LOCAL_REGION } from './dynamodb';
import { lambdaContext, LOCAL_ACCOUNT_ID } from './http-events';
import { writeFileAtomic } from './paths';

/**
 * The webhook delivery queue, locally: SQS with a Lambda event source mapping in one object. Messages
 * live in an append-only journal (`<stateDir>/webhook-queue.jsonl`: sent, visibility and deleted
 * lines) replayed at start, so a killed runtime loses no message: one not yet acknowledged is
 * delivered again. Visibility follows the controllable clock (functions/shared/clock.ts), so a test
 * that moves the clock past a retry's delay gets the retry. A poll loop hands each visible message
 * to the worker, one record per invocation with a few in flight, deletes it when the invocation
 * reports it done, and otherwise leaves it hidden for whatever the worker set (`retryLater`) or the
 * queue's visibility timeout. After too many receives a message goes to
 * `<stateDir>/failures/<name>.jsonl` (the dead-letter queue).
 */

export type QueueHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void | undefined | null>;

export interface LocalQueueOptions {
  /** Holds the journal and `failures/`. */
  stateDir: string;
  handler: QueueHandler;
  /** Names the journal's dead-letter file and the event's queue ARN (default `webhook-deliveries`). */
  name?: string;
  /** Pause between polls (default 50 ms). */
  pollIntervalMs?: number;
  /** Invocations at once (default WEBHOOK_QUEUE.localMaxInFlight). */
  maxInFlight?: number;
  log?: (line: string) => void;
}

interface StoredMessage {
  id: string;
  body: string;
  sentAt: number;
  /** Clock time (ms) from which the message may be received (journaled). */
  visibleAt: number;
  /** Set by a receive (not journaled: after a kill the message is visible at once). */
  hiddenUntil?: number;
  /** Since this process started (as SQS's ApproximateReceiveCount, roughly). */
  receiveCount: number;
  /** The latest receive's handle: only it may change the visibility or delete the message. */
  receiptHandle?: string;
}

type JournalLine =
  | { op: 'sent'; id: string; body: string; sentAt: number; visibleAt: number }
  | { op: 'visibility'; id: string; visibleAt: number }
  | { op: 'deleted'; id: string };

const JOURNAL_FILE = 'webhook-queue.jsonl';
/** The journal is rewritten with only the live messages when it holds this many lines and mostly dead ones. */
const COMPACT_AFTER_LINES = 2_000;

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function visibleFrom(message: StoredMessage): number {
  return message.hiddenUntil ?? message.visibleAt;
}

export class LocalDeliveryQueue implements DeliveryQueue {
  private readonly messages = new Map<string, StoredMessage>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly journalPath: string;
  private readonly name: string;
  private journalLines = 0;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(private readonly options: LocalQueueOptions) {
    this.name = options.name ?? 'webhook-deliveries';
    this.journalPath = join(options.stateDir, JOURNAL_FILE);
    this.replay();
    this.compact();
  }

  /** Messages not yet deleted (visible or not). */
  get size(): number {
    return this.messages.size;
  }

  async send(messages: DeliveryMessage[], delaySeconds = 0): Promise<void> {
    const sentAt = now();
    const lines: JournalLine[] = messages.map((message) => ({ op: 'sent', id: randomUUID(), body: JSON.stringify(message), sentAt, visibleAt: sentAt + Math.max(0, delaySeconds) * 1000 }));
    // Journaled before the call returns: an acknowledged send survives a kill.
    this.commit(lines);
  }

  async retryLater(receiptHandle: string, delaySeconds: number): Promise<void> {
    const message = this.messages.get(receiptHandle.split(':')[0]!);
    if (!message || message.receiptHandle !== receiptHandle) throw new Error('ReceiptHandleIsInvalid: the message was deleted or received again');
    const line: JournalLine = { op: 'visibility', id: message.id, visibleAt: now() + Math.max(0, delaySeconds) * 1000 };
    this.commit([line]);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops polling and waits for the invocations in flight; unacknowledged messages stay for the next start. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await Promise.all(this.inFlight.values());
  }

  /** Resolves once no message is visible and none is in flight (tests). */
  async idle(): Promise<void> {
    while (this.running && (this.inFlight.size > 0 || [...this.messages.values()].some((message) => visibleFrom(message) <= now()))) {
      await new Promise((resolve) => setTimeout(resolve, this.options.pollIntervalMs ?? 50));
    }
  }

  private replay(): void {
    if (!existsSync(this.journalPath)) return;
    for (const text of readFileSync(this.journalPath, 'utf8').split('\n')) {
      if (text === '') continue;
      try {
        this.apply(JSON.parse(text) as JournalLine);
      } catch {
        // A line cut short by a kill mid-write: its send was never acknowledged.
      }
    }
  }

  private apply(line: JournalLine): void {
    if (line.op === 'sent') this.messages.set(line.id, { id: line.id, body: line.body, sentAt: line.sentAt, visibleAt: line.visibleAt, receiveCount: 0 });
    else if (line.op === 'deleted') this.messages.delete(line.id);
    else {
      const message = this.messages.get(line.id);
      if (message) {
        message.visibleAt = line.visibleAt;
        delete message.hiddenUntil;
      }
    }
  }

  /** Appends the lines to the journal, then applies them. */
  private commit(lines: JournalLine[]): void {
    if (lines.length === 0) return;
    mkdirSync(this.options.stateDir, { recursive: true });
    appendFileSync(this.journalPath, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    for (const line of lines) this.apply(line);
    this.journalLines += lines.length;
    if (this.journalLines >= COMPACT_AFTER_LINES && this.journalLines > 4 * this.messages.size) this.compact();
  }

  /** Rewrites the journal with one line per live message (atomically: a kill leaves the old or the new). */
  private compact(): void {
    const lines = [...this.messages.values()].map((m): JournalLine => ({ op: 'sent', id: m.id, body: m.body, sentAt: m.sentAt, visibleAt: m.visibleAt }));
    writeFileAtomic(this.journalPath, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    this.journalLines = lines.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.dispatch();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollIntervalMs ?? 50);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private dispatch(): void {
    const at = now();
    const maxInFlight = this.options.maxInFlight ?? WEBHOOK_QUEUE.localMaxInFlight;
    for (const message of this.messages.values()) {
      if (this.inFlight.size >= maxInFlight) return;
      if (visibleFrom(message) > at || this.inFlight.has(message.id)) continue;
      message.receiveCount += 1;
      if (message.receiveCount > WEBHOOK_QUEUE.maxReceiveCount) {
        this.deadLetter(message);
        continue;
      }
      const receiptHandle = `${message.id}:${randomUUID()}`;
      message.receiptHandle = receiptHandle;
      // Hidden while the worker has it; retryLater may hide it longer.
      message.hiddenUntil = at + WEBHOOK_QUEUE.visibilityTimeoutSeconds * 1000;
      const invocation = this.invoke(message, receiptHandle).finally(() => this.inFlight.delete(message.id));
      this.inFlight.set(message.id, invocation);
    }
  }

  private recordOf(message: StoredMessage, receiptHandle: string): SQSRecord {
    return {
      messageId: message.id,
      receiptHandle,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: LOCAL_ACCOUNT_ID,
        ApproximateFirstReceiveTimestamp: String(now()),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(message.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${this.name}`,
      awsRegion: LOCAL_REGION,
    };
  }

  private async invoke(message: StoredMessage, receiptHandle: string): Promise<void> {
    const timeoutMs = WEBHOOK_QUEUE.workerTimeoutSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Task timed out after ${timeoutMs} ms`)), timeoutMs);
      });
      const event: SQSEvent = { Records: [this.recordOf(message, receiptHandle)] };
      const response = await Promise.race([this.options.handler(event, lambdaContext(`local-${this.name}`, timeoutMs)), timeout]);
      if ((response?.batchItemFailures ?? []).length > 0) return;
      // Deleted only by the receive that holds it (a late answer of an earlier receive deletes nothing).
      if (this.messages.get(message.id)?.receiptHandle === receiptHandle) {
        this.commit([{ op: 'deleted', id: message.id }]);
      }
    } catch (error) {
      this.options.log?.(`queue ${this.name}: message ${message.id} failed (${errorText(error)})`);
    } finally {
      clearTimeout(timer);
    }
  }

  private deadLetter(message: StoredMessage): void {
    const dir = join(this.options.stateDir, 'failures');
    mkdirSync(dir, { recursive: true });
    appendFileSync(join(dir, `${this.name}.jsonl`), `${JSON.stringify({ messageId: message.id, body: message.body, sentAt: new Date(message.sentAt).toISOString(), receiveCount: message.receiveCount - 1 })}\n`);
    this.options.log?.(`queue ${this.name}: message ${message.id} moved to failures/${this.name}.jsonl after ${message.receiveCount - 1} receives`);
    this.commit([{ op: 'deleted', id: message.id }]);
  }
}

export function createLocalQueue(options: LocalQueueOptions): LocalDeliveryQueue {
  return new LocalDeliveryQueue(options);
}
