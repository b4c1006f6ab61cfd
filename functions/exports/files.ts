/**
 * Formats and time bounds of exports, free of zod so the worker bundle does not carry the request
 * schemas (functions/exports/schemas.ts builds on these).
 */
export const EXPORT_FORMATS = ['csv', 'jsonl', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** File name extension and content type of each format. */
export const FORMAT_FILES: Record<ExportFormat, { extension: string; contentType: string }> = {
  csv: { extension: 'csv', contentType: 'text/csv; charset=utf-8; header=present' },
  jsonl: { extension: 'jsonl', contentType: 'application/x-ndjson' },
  parquet: { extension: 'parquet', contentType: 'application/vnd.apache.parquet' },
};

/** A date bound means the whole UTC day. */
export function lowerBound(bound: string): string {
  return bound.length === 10 ? `${bound}T00:00:00.000Z` : new Date(bound).toISOString();
}
export function upperBound(bound: string): string {
  return bound.length === 10 ? `${bound}T23:59:59.999Z` : new Date(bound).toISOString();
}
