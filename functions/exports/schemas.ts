import * as z from 'zod';
import { Actor, Id, Pagination, Timestamp } from '../shared/schemas';
import { ENTITY_DEFINITIONS, EXPORT_ENTITIES } from './entities';
import { EXPORT_FORMATS, lowerBound, upperBound } from './files';

export { EXPORT_FORMATS, FORMAT_FILES, lowerBound, upperBound } from './files';
export const ExportFormat = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormat>;

export const EXPORT_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export const ExportStatus = z.enum(EXPORT_STATUSES);
export type ExportStatus = z.infer<typeof ExportStatus>;

export const ExportEntity = z.enum(EXPORT_ENTITIES);

/** `YYYY-MM-DD` (a whole UTC day) or an ISO 8601 UTC timestamp. */
const TimeBound = z.union([z.iso.datetime(), z.iso.date()]);

export const ExportFilter = z
  .strictObject({
    from: TimeBound.optional().describe('Created (or posted, for ledger and audit entries) at or after; a date means its start, UTC'),
    to: TimeBound.optional().describe('… at or before; a date means its end, UTC'),
    status: z.string().min(1).max(40).optional().describe('Only this status (products, orders, order lines, shipments)'),
  })
  .meta({ id: 'ExportFilter' });
export type ExportFilter = z.infer<typeof ExportFilter>;

export const CreateExportBody = z
  .strictObject({
    entity: ExportEntity,
    format: ExportFormat,
    filter: ExportFilter.optional(),
    fields: z.array(z.string().min(1).max(64)).min(1).max(64).optional().describe("Columns in this order (default: every column the entity declares)"),
  })
  .superRefine((body, ctx) => {
    const entity = ENTITY_DEFINITIONS[body.entity];
    const names = new Set(entity.columns.map((column) => column.name));
    body.fields?.forEach((field, index) => {
      if (!names.has(field)) ctx.addIssue({ code: 'custom', path: ['fields', index], message: `Unknown column "${field}" of ${body.entity}` });
      else if (body.fields!.indexOf(field) !== index) ctx.addIssue({ code: 'custom', path: ['fields', index], message: `Column "${field}" is listed twice` });
    });
    const status = body.filter?.status;
    if (status !== undefined) {
      if (!entity.status) ctx.addIssue({ code: 'custom', path: ['filter', 'status'], message: `${body.entity} has no status to filter on` });
      else if (!entity.status.values.includes(status)) {
        ctx.addIssue({ code: 'custom', path: ['filter', 'status'], message: `Must be one of ${entity.status.values.join(', ')}` });
      }
    }
    const { from, to } = body.filter ?? {};
    if (from !== undefined && to !== undefined && lowerBound(from) > upperBound(to)) {
      ctx.addIssue({ code: 'custom', path: ['filter', 'to'], message: 'Must not be before from' });
    }
  });
export type CreateExportInput = z.infer<typeof CreateExportBody>;


export const ExportJob = z
  .object({
    id: Id,
    entity: ExportEntity,
    format: ExportFormat,
    status: ExportStatus,
    fields: z.array(z.string()).describe('The exported columns, in file order'),
    maskedFields: z.array(z.string()).describe('Personal-data columns masked because the requester lacks customers:read_pii'),
    filter: ExportFilter.optional(),
    requestedBy: Actor,
    createdAt: Timestamp,
    updatedAt: Timestamp,
    startedAt: Timestamp.optional(),
    finishedAt: Timestamp.optional(),
    rowCount: z.int().min(0).optional(),
    bytes: z.int().min(0).optional(),
    checksum: z.string().regex(/^[0-9a-f]{64}$/).optional().describe('sha256 (hex) of the file'),
    downloadUrl: z.url().optional().describe('Presigned GET of the file (succeeded jobs; expires after downloadUrlExpiresIn seconds)'),
    downloadUrlExpiresIn: z.int().optional(),
    error: z.string().optional(),
  })
  .meta({ id: 'ExportJob' });
export type ExportJob = z.infer<typeof ExportJob>;

export const CreatedExport = z.object({ id: Id, status: ExportStatus }).meta({ id: 'CreatedExport' });

export const ListExportsQuery = z.strictObject({
  all: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .default(false)
    .describe("true: everyone's jobs (needs exports:read_all); default: the caller's own"),
  ...Pagination,
});

export const ExportJobPage = z.object({ items: z.array(ExportJob), nextCursor: z.string().nullable() }).meta({ id: 'ExportJobPage' });
