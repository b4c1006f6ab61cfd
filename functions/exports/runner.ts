import { createHash, type Hash } from 'node:crypto';
import { nowIso } from '../shared/clock';
import { optionalEnv } from '../shared/env';
import type { WriteContext } from '../shared/write-context';
import { ENTITY_DEFINITIONS, rowMapper, type ColumnDefinition, type Row } from './entities';
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
import { scanPage, scanRequest, scanSegments, type ScanKey } from './source-repository';

/**
 * Runs one leg of an export job (docs/architecture.md#analytics-and-exports): parallel Scan segments
 * (as many as the table's size calls for), page by page → row mapper → format writer → S3 multipart
 * upload. Reading, writing and uploading overlap: each segment has its next page on the way while
 * the current one is written, and up to PARALLEL_PARTS parts upload at once. Memory stays bounded
 * whatever the size: two pages per segment, one Parquet row group and PARALLEL_PARTS + 2 parts. When the invocation nears its end, every segment stops after its current
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
  /** Parallel Scan segments of a new job (default: sized to the table, scanSegments); a resumed job keeps its own. */
  segments?: number;
  /** Items per Scan page (default: DynamoDB's 1 MB pages). */
  pageLimit?: number;
}

export type LegResult =
  | { outcome: 'checkpointed'; rowCount: number; bytes: number }
  | { outcome: 'finished'; rowCount: number; bytes: number; checksum: string; legs: number };

interface Checkpoint {
  uploadId?: string;
  parts: UploadedPart[];
  segments: { done: boolean; lastKey?: ScanKey }[];
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

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Uploads at once at most this many parts (each PART_BYTES): with the part being filled, the
 * memory parts take is bounded by (PARALLEL_PARTS + 2) × PART_BYTES, about 48 MiB with 8 MiB parts.
 */
export const PARALLEL_PARTS = 4;

/**
 * Chunks in order into parts of PART_BYTES, numbered as they are cut (so in file order); up to
 * PARALLEL_PARTS upload at once. The multipart upload starts with the first full part.
 */
class PartSink {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  /** Cut parts waiting for an upload slot. */
  private readonly queue: { number: number; body: Uint8Array }[] = [];
  private uploading = 0;
  private nextPart: number;
  private upload: Promise<string> | undefined;
  private failure: unknown;
  private settled = deferred();
  bytes: number;

  constructor(
    private readonly key: string,
    private readonly file: { contentType: string; disposition: string },
    uploadId: string | undefined,
    public readonly parts: UploadedPart[],
    tail: Uint8Array | undefined,
    bytesSoFar: number,
    private readonly hash: Hash | undefined,
  ) {
    this.bytes = bytesSoFar;
    this.nextPart = parts.length + 1;
    if (uploadId !== undefined) this.upload = Promise.resolve(uploadId);
    if (tail && tail.length > 0) {
      this.chunks.push(tail);
      this.buffered = tail.length;
    }
  }

  /** The upload's id once it has one (after the first full part). */
  async uploadId(): Promise<string | undefined> {
    return this.upload;
  }

  /**
   * Takes the chunks at once (so the file's order is the call order) and cuts the full parts;
   * resolves when no cut part waits for a slot, so a caller that awaits it before producing more
   * keeps the parts in memory bounded. Rejects once an upload has failed.
   */
  push(chunks: readonly Uint8Array[]): Promise<void> {
    for (const chunk of chunks) {
      if (chunk.length === 0) continue;
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.bytes += chunk.length;
      this.hash?.update(chunk);
    }
    while (this.buffered >= PART_BYTES) this.queue.push({ number: this.nextPart++, body: this.take(PART_BYTES) });
    this.pump();
    return this.until(() => this.queue.length === 0);
  }

  /** The first `size` bytes buffered, copied into one part; the rest stays buffered. */
  private take(size: number): Uint8Array {
    const part = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const chunk = this.chunks[0]!;
      const used = Math.min(chunk.length, size - filled);
      part.set(used === chunk.length ? chunk : chunk.subarray(0, used), filled);
      filled += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    this.buffered -= size;
    return part;
  }

  private pump(): void {
    while (this.failure === undefined && this.uploading < PARALLEL_PARTS && this.queue.length > 0) {
      const part = this.queue.shift()!;
      this.uploading++;
      void this.send(part.number, part.body).then(
        (uploaded) => {
          this.parts.push(uploaded);
          this.uploading--;
          this.pump();
          this.signal();
        },
        (error: unknown) => {
          this.failure ??= error;
          this.uploading--;
          this.signal();
        },
      );
    }
  }

  private async send(number: number, body: Uint8Array): Promise<UploadedPart> {
    this.upload ??= createUpload(this.key, this.file.contentType, this.file.disposition);
    return uploadPart(this.key, await this.upload, number, body);
  }

  private signal(): void {
    const settled = this.settled;
    this.settled = deferred();
    settled.resolve();
  }

  private async until(done: () => boolean): Promise<void> {
    while (this.failure === undefined && !done()) await this.settled.promise;
    if (this.failure !== undefined) throw this.failure;
  }

  /** Uploads what is pending and returns the bytes short of a part (they go into the tail object). */
  async drain(): Promise<Uint8Array> {
    await this.until(() => this.queue.length === 0 && this.uploading === 0);
    this.parts.sort((a, b) => a.PartNumber - b.PartNumber);
    return this.take(this.buffered);
  }

  /** Writes the last part (or the whole object when it never reached a part) and completes the upload. */
  async complete(): Promise<void> {
    const last = await this.drain();
    const uploadId = await this.uploadId();
    if (uploadId === undefined) {
      await putObject(this.key, last, this.file.contentType, this.file.disposition);
      return;
    }
    if (last.length > 0) this.parts.push(await uploadPart(this.key, uploadId, this.nextPart++, last));
    await completeUpload(this.key, uploadId, this.parts);
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

  // The segment count is chosen by the first leg; later ones go on with the checkpoint's segments.
  const segments: Checkpoint['segments'] =
    checkpoint?.segments ?? Array.from({ length: options.segments ?? (await scanSegments(entity)) }, () => ({ done: false }));
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
  const request = scanRequest(entity, {
    ...(job.filter?.from ? { from: lowerBound(job.filter.from) } : {}),
    ...(job.filter?.to ? { to: upperBound(job.filter.to) } : {}),
    ...(job.filter?.status ? { status: job.filter.status } : {}),
  });

  let stopping = false;
  const shouldStop = () => (stopping ||= options.remainingMs() < options.reserveMs);
  let failed = false;

  /**
   * One segment: the next page is requested as soon as the current one has arrived (at most one page
   * ahead, so a segment holds at most two), and the current one is mapped and written meanwhile. A
   * segment's cursor moves only past pages that were written, so a checkpoint never skips a row; when
   * the leg stops, the page already requested is still written (no page is read twice or dropped).
   * Every leg reads at least one page per unfinished segment, so a job always progresses.
   */
  const readSegment = async (segment: Checkpoint['segments'][number], index: number) => {
    const read = (key: ScanKey | undefined) => {
      const page = scanPage(request, index, segments.length, key, options.pageLimit);
      page.catch(() => undefined); // awaited below; never an unhandled rejection if the leg fails first
      return page;
    };
    let next = segment.done ? undefined : read(segment.lastKey);
    while (next && !failed) {
      const page = await next;
      next = page.lastKey && !shouldStop() ? read(page.lastKey) : undefined;
      const rows = mapPage(page.items);
      rowCount += rows.length;
      const written = sink.push(writer.write(rows));
      if (page.lastKey) segment.lastKey = page.lastKey;
      else {
        segment.done = true;
        delete segment.lastKey;
      }
      await written;
    }
  };
  const mapPage = (items: readonly Record<string, unknown>[]) => {
    const rows: Row[] = [];
    for (const item of items) for (const row of mapRows(item)) rows.push(row);
    return rows;
  };

  await Promise.all(
    segments.map((segment, index) =>
      readSegment(segment, index).catch((error: unknown) => {
        failed = true; // the other segments stop after their current page
        throw error;
      }),
    ),
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
  const uploadId = await sink.uploadId();
  const legs = (checkpoint?.legs ?? 0) + 1;
  const nextTail = tailKey(job.id, legs);
  await putObject(nextTail, rest, 'application/octet-stream');
  const next: Checkpoint = {
    ...(uploadId ? { uploadId } : {}),
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
