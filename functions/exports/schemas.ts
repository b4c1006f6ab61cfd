import * as z from 'zod/mini';
import { Actor, Id, Pagination, Timestamp, described } from '../shared/schemas';
import { ENTITY_DEFINITIONS, EXPORT_ENTITIES } from './entities';
import { EXPORT_FORMATS, lowerBound, upperBound } from './files';

export const ExportFormat = z.lazy(() => z.enum(EXPORT_FORMATS));
export type ExportFormat = z.infer<typeof ExportFormat>;

export const EXPORT_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export const ExportStatus = z.lazy(() => z.enum(EXPORT_STATUSES));
export type ExportStatus = z.infer<typeof ExportStatus>;

export const ExportEntity = z.lazy(() => z.enum(EXPORT_ENTITIES));

/** `YYYY-MM-DD` (a whole UTC day) or an ISO 8601 UTC timestamp. */
const TimeBound = z.lazy(() => z.union([z.iso.datetime(), z.iso.date()]));

export const ExportFilter = z.lazy(() =>
  z
    .strictObject({
      from: described(z.optional(TimeBound), 'Created (or posted, for ledger and audit entries) at or after; a date means its start, UTC'),
      to: described(z.optional(TimeBound), '… at or before; a date means its end, UTC'),
      status: described(
        z.optional(z.string().check(z.minLength(1), z.maxLength(40))),
        'Only this status (products, orders, order lines, shipments)',
      ),
    })
    .register(z.globalRegistry, { id: 'ExportFilter' }),
);
export type ExportFilter = z.infer<typeof ExportFilter>;

export const CreateExportBody = z.lazy(() =>
  z
    .strictObject({
      entity: ExportEntity,
      format: ExportFormat,
      filter: z.optional(ExportFilter),
      fields: described(
        z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.minLength(1), z.maxLength(64))),
        'Columns in this order (default: every column the entity declares)',
      ),
    })
    .check(
      z.superRefine((body, ctx) => {
        const entity = ENTITY_DEFINITIONS[body.entity];
        const names = new Set(entity.columns.map((column) => column.name));
        body.fields?.forEach((field, index) => {
          if (!names.has(field))
            ctx.addIssue({ code: 'custom', path: ['fields', index], message: `Unknown column "${field}" of ${body.entity}` });
          else if (body.fields!.indexOf(field) !== index)
            ctx.addIssue({ code: 'custom', path: ['fields', index], message: `Column "${field}" is listed twice` });
        });
        const status = body.filter?.status;
        if (status !== undefined) {
          if (!entity.status)
            ctx.addIssue({ code: 'custom', path: ['filter', 'status'], message: `${body.entity} has no status to filter on` });
          else if (!entity.status.values.includes(status)) {
            ctx.addIssue({ code: 'custom', path: ['filter', 'status'], message: `Must be one of ${entity.status.values.join(', ')}` });
          }
        }
        const { from, to } = body.filter ?? {};
        if (from !== undefined && to !== undefined && lowerBound(from) > upperBound(to)) {
          ctx.addIssue({ code: 'custom', path: ['filter', 'to'], message: 'Must not be before from' });
        }
      }),
    ),
);
export type CreateExportInput = z.infer<typeof CreateExportBody>;

export const ExportJob = z.lazy(() =>
  z
    .object({
      id: Id,
      entity: ExportEntity,
      format: ExportFormat,
      status: ExportStatus,
      fields: described(z.array(z.string()), 'The exported columns, in file order'),
      maskedFields: described(z.array(z.string()), 'Personal-data columns masked because the requester lacks customers:read_pii'),
      filter: z.optional(ExportFilter),
      requestedBy: Actor,
      createdAt: Timestamp,
      updatedAt: Timestamp,
      startedAt: z.optional(Timestamp),
      finishedAt: z.optional(Timestamp),
      rowCount: z.optional(z.int().check(z.minimum(0))),
      bytes: z.optional(z.int().check(z.minimum(0))),
      checksum: described(z.optional(z.string().check(z.regex(/^[0-9a-f]{64}$/))), 'sha256 (hex) of the file'),
      downloadUrl: described(z.optional(z.url()), 'Presigned GET of the file (succeeded jobs; expires after downloadUrlExpiresIn seconds)'),
      downloadUrlExpiresIn: z.optional(z.int()),
      error: z.optional(z.string()),
    })
    .register(z.globalRegistry, { id: 'ExportJob' }),
);
export type ExportJob = z.infer<typeof ExportJob>;

export const CreatedExport = z.lazy(() => z.object({ id: Id, status: ExportStatus }).register(z.globalRegistry, { id: 'CreatedExport' }));

export const ListExportsQuery = z.lazy(() =>
  z.strictObject({
    all: described(
      z._default(
        z.pipe(
          z.enum(['true', 'false']),
          z.transform((v) => v === 'true'),
        ),
        false,
      ),
      "true: everyone's jobs (needs exports:read_all); default: the caller's own",
    ),
    ...Pagination,
  }),
);

export const ExportJobPage = z.lazy(() =>
  z.object({ items: z.array(ExportJob), nextCursor: z.nullable(z.string()) }).register(z.globalRegistry, { id: 'ExportJobPage' }),
);
