import { grants, type Permission } from '../shared/auth/permissions';
import type { Principal } from '../shared/auth/principal';
import { decodeCursor, encodeCursor } from '../shared/cursor';
import { forbidden, HttpProblem, notFound } from '../shared/errors';
import { newId } from '../shared/ids';
import type { WriteContext } from '../shared/write-context';
import { ENTITY_DEFINITIONS, type ColumnDefinition, type EntityDefinition, type ExportEntity } from './entities';
import { findExportJob, listExportJobs, putExportJob, type ExportJobRecord } from './export-job-repository';
import { requireEnv } from '../shared/env';
import { presignGet } from './presign';
import { FORMAT_FILES } from './files';
import type { CreateExportInput, ExportFilter, ExportFormat, ExportJob } from './schemas';

/**
 * Export jobs (docs/architecture.md#analytics-and-exports). Creating one checks, at once, that the caller may read the entity and
 * every chosen column (403 naming what is missing) and decides the masking: personal-data columns
 * are masked unless the caller holds `customers:read_pii`. The job records the columns, the masking
 * and the permissions it needed; the worker (functions/exports/worker.ts) runs it later as
 * `system:exports`, with no further permission decisions.
 *
 * Who sees a job: its requester; others only with `exports:read_all` and every permission the job
 * needed (so nobody downloads, through someone else's job, data they could not export themselves).
 * Anyone else gets 404, as for a job that does not exist.
 */

/** Presigned download URLs are short-lived: fetch the job again for a fresh one. */
export const DOWNLOAD_URL_SECONDS = 300;

const PII = 'customers:read_pii' as const;

export interface ExportPlan {
  columns: ColumnDefinition[];
  maskedFields: string[];
  requiredPermissions: Permission[];
}

/** Which columns, what is masked, what is needed; throws 403 when the caller may not read something. */
export function planExport(entity: EntityDefinition, fields: readonly string[] | undefined, granted: readonly string[]): ExportPlan {
  const columns = fields ? fields.map((name) => entity.columns.find((column) => column.name === name)!) : [...entity.columns];
  const needed = new Set<Permission>([entity.permission]);
  for (const column of columns) if (column.permission) needed.add(column.permission);
  const missing = [...needed].filter((permission) => !grants(granted, permission));
  if (missing.length > 0) {
    const columnsRefused = columns.filter((column) => column.permission && missing.includes(column.permission)).map((column) => column.name);
    throw new HttpProblem(
      403,
      'Forbidden',
      `Exporting ${entity.name}${columnsRefused.length > 0 ? ` (columns ${columnsRefused.join(', ')})` : ''} needs ${missing.join(', ')}`,
      'forbidden',
      {
        errors: [
          ...(needed.has(entity.permission) && missing.includes(entity.permission) ? [{ path: 'body.entity', message: `Needs ${entity.permission}` }] : []),
          ...columns.flatMap((column, index) =>
            column.permission && missing.includes(column.permission) ? [{ path: `body.fields.${index}`, message: `Needs ${column.permission}` }] : [],
          ),
        ],
      },
    );
  }
  const showPii = grants(granted, PII);
  const maskedFields = showPii ? [] : columns.filter((column) => column.pii).map((column) => column.name);
  if (showPii && columns.some((column) => column.pii)) needed.add(PII);
  return { columns, maskedFields, requiredPermissions: [...needed] };
}

function staffGrants(principal: Principal): string[] {
  if (principal.kind !== 'staff') throw forbidden('Exports are for staff');
  return principal.grants;
}

export function objectKeyOf(id: string, format: ExportFormat): string {
  return `exports/${id}.${FORMAT_FILES[format].extension}`;
}

export async function createExport(input: CreateExportInput, principal: Principal, ctx: WriteContext): Promise<ExportJobRecord> {
  const entity = ENTITY_DEFINITIONS[input.entity];
  const plan = planExport(entity, input.fields, staffGrants(principal));
  const id = newId();
  return queueExport({ id, entity: input.entity, format: input.format, filter: input.filter, plan, objectKey: objectKeyOf(id, input.format) }, ctx);
}

/** Writes the queued job; the table stream starts its first leg. */
export async function queueExport(
  job: { id: string; entity: ExportEntity; format: ExportFormat; filter: ExportFilter | undefined; plan: ExportPlan; objectKey: string },
  ctx: WriteContext,
): Promise<ExportJobRecord> {
  const record: Omit<ExportJobRecord, 'updatedAt' | 'updatedBy'> = {
    id: job.id,
    entity: job.entity,
    format: job.format,
    status: 'queued',
    fields: job.plan.columns.map((column) => column.name),
    maskedFields: job.plan.maskedFields,
    ...(job.filter && Object.keys(job.filter).length > 0 ? { filter: job.filter } : {}),
    requestedBy: ctx.actor,
    requiredPermissions: job.plan.requiredPermissions,
    objectKey: job.objectKey,
    leg: 0,
    legState: 'pending',
    version: 1,
    createdAt: ctx.at,
  };
  await putExportJob(record, ctx);
  return { ...record, updatedAt: ctx.at, updatedBy: ctx.actor };
}

function mayRead(job: ExportJobRecord, principal: Principal): boolean {
  if (principal.kind !== 'staff') return false;
  if (job.requestedBy === principal.actor) return true;
  return grants(principal.grants, 'exports:read_all') && job.requiredPermissions.every((p) => grants(principal.grants, p as Permission));
}

async function toExportJob(record: ExportJobRecord): Promise<ExportJob> {
  const job: ExportJob = {
    id: record.id,
    entity: record.entity,
    format: record.format,
    status: record.status,
    fields: record.fields,
    maskedFields: record.maskedFields,
    ...(record.filter ? { filter: record.filter } : {}),
    requestedBy: record.requestedBy,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(record.startedAt ? { startedAt: record.startedAt } : {}),
    ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
    ...(record.rowCount !== undefined ? { rowCount: record.rowCount } : {}),
    ...(record.bytes !== undefined ? { bytes: record.bytes } : {}),
    ...(record.checksum ? { checksum: record.checksum } : {}),
    ...(record.error ? { error: record.error } : {}),
  };
  if (record.status === 'succeeded') {
    job.downloadUrl = await presignGet(requireEnv('EXPORTS_BUCKET'), record.objectKey, DOWNLOAD_URL_SECONDS);
    job.downloadUrlExpiresIn = DOWNLOAD_URL_SECONDS;
  }
  return job;
}

export async function getExport(id: string, principal: Principal): Promise<ExportJob> {
  const record = await findExportJob(id);
  if (!record || !mayRead(record, principal)) throw notFound('Export');
  return toExportJob(record);
}

export async function listExports(
  query: { all: boolean; limit: number; cursor?: string | undefined },
  principal: Principal,
): Promise<{ items: ExportJob[]; nextCursor: string | null }> {
  const granted = staffGrants(principal);
  if (query.all && !grants(granted, 'exports:read_all')) throw forbidden('Listing every export job needs exports:read_all');
  const binding = query.all ? 'exports:all' : `exports:${principal.actor}`;
  const page = await listExportJobs({
    ...(query.all ? {} : { requester: principal.actor }),
    limit: query.limit,
    ...(query.cursor ? { startKey: decodeCursor(query.cursor, binding) } : {}),
  });
  // Everyone's list leaves out the jobs whose data the caller could not export themselves. The cursor
  // follows the Query (after the last job read, shown or not), so no job is skipped; a page may be
  // short, and a cursor may lead to jobs the caller does not see.
  const visible = page.items.filter((record) => mayRead(record, principal));
  return { items: await Promise.all(visible.map(toExportJob)), nextCursor: encodeCursor(page.lastKey, binding) };
}
