import { appendFileSync } from 'node:fs';
import type { StreamConsumer } from './stream-poller';

/**
 * A stream consumer that only records what it receives: one JSON line per delivered record
 * (`{"consumer","eventID","sequenceNumber","eventName","keys","deliveredAt"}`), appended before the
 * invocation returns, so the file shows every delivery — redeliveries included. Registered by the
 * local runtime when BACKOFFICE_STREAM_RECORDER names a file: a debugging tap on the stream, and
 * how the crash-safety test checks that the poller resumes from its checkpoint.
 */
export interface RecordedDelivery {
  consumer: string;
  eventID: string;
  sequenceNumber: string;
  eventName: string;
  keys: Record<string, unknown>;
  deliveredAt: string;
}

export const STREAM_RECORDER_ENV = 'BACKOFFICE_STREAM_RECORDER';

export function streamRecorder(file: string, name = 'recorder'): StreamConsumer {
  return {
    name,
    batchSize: 10,
    async handler(event) {
      const deliveredAt = new Date().toISOString();
      const lines = event.Records.map((record) =>
        JSON.stringify({
          consumer: name,
          eventID: record.eventID,
          sequenceNumber: record.dynamodb?.SequenceNumber,
          eventName: record.eventName,
          keys: record.dynamodb?.Keys,
          deliveredAt,
        } satisfies Partial<RecordedDelivery>),
      );
      if (lines.length > 0) appendFileSync(file, `${lines.join('\n')}\n`);
    },
  };
}
