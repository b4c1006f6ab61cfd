import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { CellValue, ColumnDefinition, Row } from './entities';
import type { ExportFormat } from './schemas';

/**
 * Streaming writers of the three formats. A writer turns batches of rows into chunks of bytes as they
 * come; nothing holds more than one batch (CSV, JSON Lines) or one row group (Parquet). A writer can
 * be stopped at a checkpoint and resumed by another invocation from its `state()`.
 */
export interface FormatWriter {
  /** Bytes for these rows (Parquet keeps rows until a row group is full). */
  write(rows: readonly Row[]): Uint8Array[];
  /** Bytes for every row still held (Parquet: the partial row group), before a checkpoint. */
  flush(): Uint8Array[];
  /** The end of the file. */
  finish(): Uint8Array[];
  /** What another invocation needs to go on with the same file (JSON-safe). */
  state(): WriterState;
}

export type WriterState = { format: 'csv' | 'jsonl' } | { format: 'parquet'; offset: number; numRows: string; rowGroups: unknown };

export { FORMAT_FILES } from './files';

/**
 * Rows per Parquet row group. A group is encoded in one synchronous call, which holds up the event
 * loop and with it every Scan segment's next request: 5,000 rows take about 20 ms and the least CPU
 * per row (20,000 took 200–400 ms and half again the CPU, most of it garbage collection). The cost
 * is about 1 KB of footer per group (2 MB for ten million rows) and 4 % more bytes than 20,000-row
 * groups (docs/decisions.md, "Exports read at the engine's speed").
 */
export const PARQUET_ROW_GROUP_ROWS = 5_000;

const encoder = new TextEncoder();

/** A field that must be quoted (RFC 4180: a comma, a quote or any line break, bare CR and LF included). */
const CSV_QUOTED = /[",\r\n]/;
const QUOTES = /"/g;

function csvField(value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return CSV_QUOTED.test(value) ? `"${value.replace(QUOTES, '""')}"` : value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/**
 * RFC 4180: a header row, CRLF line ends, a field with a comma, quote or line break quoted and its
 * quotes doubled; null is an empty field, booleans `true`/`false`. Written by hand: the same output
 * as csv-stringify (which the worker used before), at a tenth of its CPU time per row.
 */
function csvWriter(columns: readonly ColumnDefinition[], resumed: boolean): FormatWriter {
  const names = columns.map((column) => column.name);
  const header = `${names.map(csvField).join(',')}\r\n`;
  let headerDue = !resumed;
  const writer: FormatWriter = {
    write(rows) {
      let text = '';
      if (headerDue) {
        headerDue = false;
        text = header;
      }
      for (const row of rows) {
        let line = csvField(row[names[0]!]);
        for (let i = 1; i < names.length; i++) line += `,${csvField(row[names[i]!])}`;
        text += `${line}\r\n`;
      }
      return text.length === 0 ? [] : [encoder.encode(text)];
    },
    // A leg that stops before its first row still leaves the header (a resumed writer writes none).
    flush: () => (headerDue ? writer.write([]) : []),
    // An empty export still has its header.
    finish: () => (headerDue ? writer.write([]) : []),
    state: () => ({ format: 'csv' }),
  };
  return writer;
}

/** One JSON object per line, keys in column order, `\n` after every line. */
function jsonlWriter(columns: readonly ColumnDefinition[]): FormatWriter {
  const names = columns.map((column) => column.name);
  return {
    write(rows) {
      if (rows.length === 0) return [];
      let text = '';
      for (const row of rows) {
        const ordered: Row = {};
        for (const name of names) ordered[name] = row[name] ?? null;
        text += `${JSON.stringify(ordered)}\n`;
      }
      return [encoder.encode(text)];
    },
    flush: () => [],
    finish: () => [],
    state: () => ({ format: 'jsonl' }),
  };
}

const PARQUET_TYPES = { string: 'STRING', int64: 'INT64', timestamp: 'TIMESTAMP', boolean: 'BOOLEAN' } as const;

/** The Parquet schema of the columns: every column optional (nullable), timestamps in UTC millis. */
export function parquetSchema(columns: readonly ColumnDefinition[]) {
  return [
    { name: 'root', num_children: columns.length },
    ...columns.map((column) => {
      switch (column.type) {
        case 'string':
          return { name: column.name, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const };
        case 'int64':
          return { name: column.name, type: 'INT64' as const, repetition_type: 'OPTIONAL' as const };
        case 'timestamp':
          return {
            name: column.name,
            type: 'INT64' as const,
            converted_type: 'TIMESTAMP_MILLIS' as const,
            logical_type: { type: 'TIMESTAMP' as const, isAdjustedToUTC: true, unit: 'MILLIS' as const },
            repetition_type: 'OPTIONAL' as const,
          };
        case 'boolean':
          return { name: column.name, type: 'BOOLEAN' as const, repetition_type: 'OPTIONAL' as const };
      }
    }),
  ];
}

/**
 * Parquet through hyparquet-writer's incremental ParquetWriter: each row's cells go straight into
 * one array per column, already in the form the encoder takes (bigint for INT64, epoch millis for
 * timestamps), so a row group holds its columns and not its rows; each full group is encoded and
 * its bytes leave at once (the writer's `flush` hands them over and resets its buffer). The footer
 * needs every row group's metadata, which is small and travels in the state.
 */
function parquetWriter(columns: readonly ColumnDefinition[], resume?: Extract<WriterState, { format: 'parquet' }>): FormatWriter {
  const out: Uint8Array[] = [];
  const bytes: ByteWriter & { flush: () => void } = Object.assign(new ByteWriter(1 << 20), {
    flush: () => {
      if (bytes.index > 0) out.push(new Uint8Array(bytes.buffer.slice(0, bytes.index)));
      bytes.index = 0;
    },
  });
  const parquet = new ParquetWriter({ writer: bytes, schema: parquetSchema(columns), createdBy: 'backoffice exports' });
  if (resume) {
    // The magic number the constructor wrote is already in the file.
    bytes.index = 0;
    bytes.offset = resume.offset;
    parquet.num_rows = BigInt(resume.numRows);
    parquet.row_groups = revive(resume.rowGroups) as typeof parquet.row_groups;
  }
  const names = columns.map((column) => column.name);
  const converters = columns.map((column) => PARQUET_VALUES[column.type]);
  const emptyGroup = () => columns.map(() => new Array<unknown>(PARQUET_ROW_GROUP_ROWS));
  let group = emptyGroup();
  let filled = 0;

  const encodeGroup = () => {
    if (filled === 0) return;
    const columnData = columns.map((column, index) => {
      const data = group[index]!;
      data.length = filled;
      // Page indexes would have to travel in the checkpoint state too; readers do not need them.
      return { name: column.name, data, type: PARQUET_TYPES[column.type], offsetIndex: false };
    });
    group = emptyGroup();
    filled = 0;
    void parquet.write({ columnData, rowGroupSize: Number.MAX_SAFE_INTEGER });
  };
  const drain = () => out.splice(0, out.length);

  return {
    write(rows) {
      for (const row of rows) {
        for (let i = 0; i < names.length; i++) group[i]![filled] = converters[i]!(row[names[i]!] ?? null);
        if (++filled === PARQUET_ROW_GROUP_ROWS) encodeGroup();
      }
      bytes.flush();
      return drain();
    },
    flush() {
      encodeGroup();
      bytes.flush();
      return drain();
    },
    finish() {
      encodeGroup();
      void parquet.finish();
      bytes.flush();
      return drain();
    },
    state: () => ({ format: 'parquet', offset: bytes.offset, numRows: parquet.num_rows.toString(), rowGroups: tag(parquet.row_groups) }),
  };
}

/** A cell as the encoder takes it: INT64 as bigint, a timestamp as epoch millis (written as INT64 millis). */
const PARQUET_VALUES: Record<ColumnDefinition['type'], (value: CellValue) => unknown> = {
  string: (value) => value,
  boolean: (value) => value,
  int64: (value) => (value === null ? null : BigInt(value as number)),
  timestamp: (value) => (value === null ? null : Date.parse(value as string)),
};

/** JSON with bigint, Uint8Array and Date kept (row group metadata holds all three). */
function tag(value: unknown): unknown {
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map(tag);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, tag(v)]));
  }
  return value;
}

function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.$bigint === 'string') return BigInt(record.$bigint);
    if (typeof record.$bytes === 'string') return new Uint8Array(Buffer.from(record.$bytes, 'base64'));
    if (typeof record.$date === 'string') return new Date(record.$date);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, revive(v)]));
  }
  return value;
}

/** A writer for a new file, or (with `resume`) for one a previous invocation started. */
export function createFormatWriter(format: ExportFormat, columns: readonly ColumnDefinition[], resume?: WriterState): FormatWriter {
  switch (format) {
    case 'csv':
      return csvWriter(columns, resume !== undefined);
    case 'jsonl':
      return jsonlWriter(columns);
    case 'parquet':
      return parquetWriter(columns, resume?.format === 'parquet' ? resume : undefined);
  }
}
