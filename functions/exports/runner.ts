import { createHash, type Hash } from 'node:crypto';
import { nowIso } from '../shared/clock';
import { optionalEnv } from '../shared/env';
import type { WriteContext } from '../shared/write-context';
import { ENTITY_DEFINITIONS, rowMapper, type ColumnDefinition } from './entities';
import type { ExportJobRecord } from './export-job-repository';
import { createFormatWriter, FORMAT_FILES, type WriterState } from './formats';
import {
  completeUpload,
  createUpload,
  deleteObject,
  getObjectBytes,
  putObject,
  sha256OfObject,
  uploadPart,
  type UploadedPart,
} from './object-store';
import { lowerBound, upperBound } from './files';
import { scanPage } from './source-repository';

/**
 * Runs one leg of an export job (docs/architecture.md#analytics-and-exports): parallel Scan segments, page by page → row mapper →
 * format writer → S3 multipart upload, with memory bounded by a page per segment, one Parquet row
 * group and one part. When the invocation nears its end, every segment stops after its current
 * page, the writer flushes, the bytes short of a part go to a tail object, and the state (upload id,
 * parts, each segment's last key, the writer's state) to a checkpoint object; the next leg goes on
 * from there. The checksum is computed while writing when the job runs in one leg, and by reading
 * the finished object back when it took several (a hash's state cannot be carried between legs).
 */

/**
 * Bytes per uploaded part (S3: at least 5 MiB except the last; at most 10,000 parts, so 80 GB a file).
 * Tests against s3rver, which has no minimum, lower it to exercise many parts with little data.
 */
export const PART_BYTES = Number(optionalEnv('EXPORT_PART_BYTES', String(8 * 1024 * 1024)));

export interface LegOptions {
  /** Milliseconds left in this invocation. */
  remainingMs: () => number;
  /** Stop reading when fewer than this many milliseconds are left. */
  reserveMs: number;
  /** Parallel Scan segments. */
  segments: number;
  /** Items per Scan page (default: DynamoDB's 1 MB pages). */
  pageLimit?: number;
}

export type LegResult =
  | { outcome: 'checkpointed'; rowCount: number; bytes: number }
  | { outcome: 'finished'; rowCount: number; bytes: number; checksum: string; legs: number };

interface Checkpoint {
  uploadId?: string;
  parts: UploadedPart[];
  segments: { done: boolean; lastKey?: Record<string, unknown> }[];
  rowCount: number;
  /** Bytes written so far, the tail included. */
  bytes: number;
  tailBytes: number;
  /** The tail object of this checkpoint (one per leg, so a leg that dies leaves the previous one intact). */
  tailKey: string;
  writer: WriterState;
  legs: number;
}

const checkpointKey = (jobId: string) => `checkpoints/${jobId}/state.json`;
const tailKey = (jobId: string, leg: number) => `checkpoints/${jobId}/tail-${leg}`;

/** Chunks in order into parts of PART_BYTES; the multipart upload starts with the first full part. */
class PartSink {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private chain: Promise<void> = Promise.resolve();
  bytes: number;

  constructor(
    private readonly key: string,
    private readonly file: { contentType: string; disposition: string },
    public uploadId: string | undefined,
    public readonly parts: UploadedPart[],
    tail: Uint8Array | undefined,
    bytesSoFar: number,
    private readonly hash: Hash | undefined,
  ) {
    this.bytes = bytesSoFar;
    if (tail && tail.length > 0) {
      this.chunks.push(tail);
      this.buffered = tail.length;
    }
  }

  /** Takes the chunks at once (so the order is the call order); resolves once any full part is uploaded. */
  push(chunks: readonly Uint8Array[]): Promise<void> {
    for (const chunk of chunks) {
      if (chunk.length === 0) continue;
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.bytes += chunk.length;
      this.hash?.update(chunk);
    }
    while (this.buffered >= PART_BYTES) {
      const part = this.take(PART_BYTES);
      this.chain = this.chain.then(() => this.upload(part));
    }
    return this.chain;
  }

  private take(size: number): Uint8Array {
    const all = Buffer.concat(this.chunks, this.buffered);
    const part = all.subarray(0, size);
    const rest = all.subarray(size);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return part;
  }

  private async upload(part: Uint8Array): Promise<void> {
    this.uploadId ??= await createUpload(this.key, this.file.contentType, this.file.disposition);
    this.parts.push(await uploadPart(this.key, this.uploadId, this.parts.length + 1, part));
  }

  /** Uploads what is pending and returns the bytes short of a part (they go into the tail object). */
  async drain(): Promise<Uint8Array> {
    await this.chain;
    return this.take(this.buffered);
  }

  /** Writes the last part (or the whole object when it never reached a part) and completes the upload. */
  async complete(): Promise<void> {
    const last = await this.drain();
    if (this.uploadId === undefined) {
      await putObject(this.key, last, this.file.contentType, this.file.disposition);
      return;
    }
    if (last.length > 0) this.parts.push(await uploadPart(this.key, this.uploadId, this.parts.length + 1, last));
    await completeUpload(this.key, this.uploadId, this.parts);
  }
}

function columnsOf(job: ExportJobRecord): ColumnDefinition[] {
  const entity = ENTITY_DEFINITIONS[job.entity];
  return job.fields.map((name) => {
    const column = entity.columns.find((c) => c.name === name);
    if (!column) throw new Error(`Unknown column ${name} of ${job.entity}`);
    return column;
  });
}

export async function runLeg(job: ExportJobRecord, options: LegOptions): Promise<LegResult> {
  const entity = ENTITY_DEFINITIONS[job.entity];
  const columns = columnsOf(job);
  const mapRows = rowMapper(entity, columns, new Set(job.maskedFields));
  const file = FORMAT_FILES[job.format];
  const disposition = `attachment; filename="${job.entity}-${job.id}.${file.extension}"`;

  const saved = await getObjectBytes(checkpointKey(job.id));
  const checkpoint: Checkpoint | undefined = saved ? (JSON.parse(Buffer.from(saved).toString('utf8')) as Checkpoint) : undefined;
  const tail = checkpoint && checkpoint.tailBytes > 0 ? await getObjectBytes(checkpoint.tailKey) : undefined;
  if (checkpoint && checkpoint.tailBytes > 0 && tail?.length !== checkpoint.tailBytes) throw new Error('The checkpoint tail is missing or incomplete');

  const segments: Checkpoint['segments'] = checkpoint?.segments ?? Array.from({ length: options.segments }, () => ({ done: false }));
  let rowCount = checkpoint?.rowCount ?? 0;
  const hash = checkpoint ? undefined : createHash('sha256');
  const writer = createFormatWriter(job.format, columns, checkpoint?.writer);
  const sink = new PartSink(
    job.objectKey,
    { contentType: file.contentType, disposition },
    checkpoint?.uploadId,
    checkpoint?.parts ?? [],
    tail,
    checkpoint ? checkpoint.bytes : 0,
    hash,
  );
  const range = {
    ...(job.filter?.from ? { from: lowerBound(job.filter.from) } : {}),
    ...(job.filter?.to ? { to: upperBound(job.filter.to) } : {}),
    ...(job.filter?.status ? { status: job.filter.status } : {}),
  };

  let stopping = false;
  const shouldStop = () => (stopping ||= options.remainingMs() < options.reserveMs);

  await Promise.all(
    segments.map(async (segment, index) => {
      // Every leg reads at least one page per unfinished segment, so a job always progresses.
      let pages = 0;
      while (!segment.done && !(pages > 0 && shouldStop())) {
        pages++;
        const page = await scanPage(entity, range, index, segments.length, segment.lastKey, options.pageLimit);
        const rows = page.items.flatMap(mapRows);
        rowCount += rows.length;
        const written = sink.push(writer.write(rows));
        if (page.lastKey) segment.lastKey = page.lastKey;
        else {
          segment.done = true;
          delete segment.lastKey;
        }
        await written;
      }
    }),
  );

  if (segments.every((segment) => segment.done)) {
    await sink.push(writer.finish());
    await sink.complete();
    const legs = (checkpoint?.legs ?? 0) + 1;
    const checksum = hash ? hash.digest('hex') : await sha256OfObject(job.objectKey);
    if (checkpoint) {
      await deleteObject(checkpointKey(job.id));
      await deleteObject(checkpoint.tailKey);
    }
    return { outcome: 'finished', rowCount, bytes: sink.bytes, checksum, legs };
  }

  await sink.push(writer.flush());
  const rest = await sink.drain();
  const legs = (checkpoint?.legs ?? 0) + 1;
  const nextTail = tailKey(job.id, legs);
  await putObject(nextTail, rest, 'application/octet-stream');
  const next: Checkpoint = {
    ...(sink.uploadId ? { uploadId: sink.uploadId } : {}),
    parts: sink.parts,
    segments,
    rowCount,
    bytes: sink.bytes,
    tailBytes: rest.length,
    tailKey: nextTail,
    writer: writer.state(),
    legs,
  };
  // The state is written last: a leg that dies before it leaves the previous checkpoint in force.
  await putObject(checkpointKey(job.id), JSON.stringify(next), 'application/json');
  if (checkpoint) await deleteObject(checkpoint.tailKey);
  return { outcome: 'checkpointed', rowCount, bytes: sink.bytes };
}

/** Time of a job's writes by the worker. */
export function workerContext(requestId: string): WriteContext {
  return { actor: 'system:exports', requestId, sourceIp: 'lambda.amazonaws.com', at: nowIso() };
}
