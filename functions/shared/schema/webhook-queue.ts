/**
 * The webhook delivery queue (SQS) and its worker, shared by the CDK construct and the local queue
 * (local/queue.ts), so both run the worker with the same visibility, redrive and concurrency. Plain
 * data: no CDK import here.
 */
export const WEBHOOK_QUEUE = {
  /**
   * How long a received message stays hidden when the worker sets nothing else. A retry hides its
   * message for the retry's delay instead (ChangeMessageVisibility), so this only matters when an
   * invocation fails or dies: the message comes back after it.
   */
  visibilityTimeoutSeconds: 60,
  /** The worker's timeout: one attempt waits at most 10 s for an answer, plus its reads and writes. */
  workerTimeoutSeconds: 20,
  /**
   * Receives before a message goes to the dead-letter queue: eight attempts per delivery, with room
   * for early redeliveries and failed invocations. A delivery gives up (status `failed`) long before.
   */
  maxReceiveCount: 24,
  /** Longer than the whole retry window (about 27 h), so no scheduled retry expires in the queue. */
  retentionSeconds: 4 * 24 * 3600,
  /** Messages per invocation; they are attempted in parallel. */
  batchSize: 10,
  /** Worker invocations at once (the event source's maximum concurrency): a bound on outbound load. */
  maxConcurrency: 10,
  /** Locally: messages in flight at once (one per invocation). */
  localMaxInFlight: 8,
} as const;
