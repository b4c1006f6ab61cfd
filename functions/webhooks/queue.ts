import { randomUUID } from 'node:crypto';
import type { AwsClient } from 'aws4fetch';
import { AwsServiceError, awsSigner } from '../shared/aws-fetch';
import { requireEnv } from '../shared/env';
import type { DeliveryMessage } from './model';

/**
 * The delivery queue port: the partner events consumer queues deliveries, the delivery worker puts
 * off a retry. In AWS it is SQS (WEBHOOK_QUEUE_URL); the local runtime installs its own
 * (local/queue.ts) with `useDeliveryQueue`.
 */
export interface DeliveryQueue {
  /** Queues the messages, each visible after `delaySeconds` (at most 900 s; default 0). */
  send(messages: DeliveryMessage[], delaySeconds?: number): Promise<void>;
  /** Hides a received message for `delaySeconds` (at most 12 h): its next receive is the retry. */
  retryLater(receiptHandle: string, delaySeconds: number): Promise<void>;
}

/** SQS's limits: messages per SendMessageBatch, DelaySeconds, a message's visibility timeout. */
const BATCH_SIZE = 10;
const MAX_DELAY_SECONDS = 900;
const MAX_VISIBILITY_SECONDS = 12 * 3600;
const MAX_ATTEMPTS = 3;

/** An answer's JSON; an empty or non-JSON body (a proxy's error page) reads as `{}`. */
function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}

/**
 * SQS spoken with fetch (the JSON protocol, SigV4 by aws4fetch), as the exports bucket is
 * (functions/exports/object-store.ts): two requests do not need the SQS client in the bundle. A
 * request is tried up to three times on a 5xx, a throttle or a failed connection; a batch's entries
 * SQS failed on its side are sent again the same way.
 */
class SqsDeliveryQueue implements DeliveryQueue {
  private signer?: AwsClient;
  private queueUrl?: string;

  private client(): AwsClient {
    this.signer ??= awsSigner('sqs');
    return this.signer;
  }

  private url(): string {
    this.queueUrl ??= requireEnv('WEBHOOK_QUEUE_URL');
    return this.queueUrl;
  }

  private async call<T>(action: string, body: Record<string, unknown>): Promise<T> {
    const queueUrl = this.url();
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.client().fetch(`${new URL(queueUrl).origin}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` },
          body: JSON.stringify({ QueueUrl: queueUrl, ...body }),
        });
        const text = await response.text();
        if (!response.ok) {
          const error = parseJson(text) as { __type?: string; message?: string };
          const code = error.__type?.split('#').pop() ?? 'UnknownError';
          throw new AwsServiceError(code, `SQS ${action}: ${response.status} ${code}${error.message ? ` (${error.message})` : ''}`, response.status);
        }
        return parseJson(text) as T;
      } catch (error) {
        const transient = error instanceof AwsServiceError ? error.status >= 500 || error.name === 'ThrottlingException' || error.name === 'RequestThrottled' : error instanceof TypeError;
        if (attempt >= MAX_ATTEMPTS || !transient) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));
      }
    }
  }

  async send(messages: DeliveryMessage[], delaySeconds = 0): Promise<void> {
    const delay = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds)));
    for (let start = 0; start < messages.length; start += BATCH_SIZE) {
      let entries = messages.slice(start, start + BATCH_SIZE).map((message) => ({ Id: randomUUID(), MessageBody: JSON.stringify(message), DelaySeconds: delay }));
      for (let attempt = 1; entries.length > 0; attempt++) {
        const { Failed = [] } = await this.call<{ Failed?: Array<{ Id: string; SenderFault: boolean; Code: string; Message?: string }> }>('SendMessageBatch', { Entries: entries });
        const failed = new Set(Failed.map((entry) => entry.Id));
        const fault = Failed.find((entry) => entry.SenderFault) ?? (attempt >= MAX_ATTEMPTS ? Failed[0] : undefined);
        if (fault) throw new Error(`SQS SendMessageBatch: ${Failed.length} message(s) not queued (${fault.Code}${fault.Message ? `: ${fault.Message}` : ''})`);
        entries = entries.filter((entry) => failed.has(entry.Id));
      }
    }
  }

  async retryLater(receiptHandle: string, delaySeconds: number): Promise<void> {
    const visibility = Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(delaySeconds)));
    await this.call('ChangeMessageVisibility', { ReceiptHandle: receiptHandle, VisibilityTimeout: visibility });
  }
}

let active: DeliveryQueue | undefined;

export function deliveryQueue(): DeliveryQueue {
  active ??= new SqsDeliveryQueue();
  return active;
}

/** The local runtime (and tests): puts its own queue in place of SQS. */
export function useDeliveryQueue(queue: DeliveryQueue): void {
  active = queue;
}
