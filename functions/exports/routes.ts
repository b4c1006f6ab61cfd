import { defineRoutes } from '../shared/http/route';
import { IdParams } from '../shared/schemas';
import { CreatedExport, CreateExportBody, ExportJob, ExportJobPage, ListExportsQuery } from './schemas';

export const exportsRoutes = defineRoutes([
  {
    operationId: 'createExport',
    api: 'admin',
    method: 'POST',
    path: '/exports',
    module: 'exports',
    summary: 'Start an export',
    description: 'Queues an export of one entity as CSV, JSON Lines or Parquet with typed flat columns; `Location` points at the job. An entity or column you may not read is 403; personal data is masked without `customers:read_pii`.',
    location: [202],
    conflicts: false,
    access: { permission: 'exports:write' },
    body: CreateExportBody,
    responses: { 202: CreatedExport },
  },
  {
    operationId: 'getExport',
    api: 'admin',
    method: 'GET',
    path: '/exports/{id}',
    module: 'exports',
    summary: 'Get an export job',
    description: 'An export job: status, row count, size, sha256 checksum and, once succeeded, a short-lived presigned download URL. Someone else’s job is 404 unless you may list everyone’s.',
    access: { permission: 'exports:read' },
    params: IdParams,
    responses: { 200: ExportJob },
  },
  {
    operationId: 'listExports',
    api: 'admin',
    method: 'GET',
    path: '/exports',
    module: 'exports',
    summary: 'List export jobs',
    description: 'Your export jobs, newest first; `all=true` lists everyone’s (needs `exports:read_all`, 403), only jobs whose data you may read yourself.',
    access: { permission: 'exports:read' },
    query: ListExportsQuery,
    responses: { 200: ExportJobPage },
  },
]);
