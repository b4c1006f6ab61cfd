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
    summary:
      'Queue an export of one entity as CSV, JSON Lines or Parquet (typed flat columns; 403 for an entity or column you may not read; ' +
      'personal data masked without customers:read_pii)',
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
    summary: 'An export job: status, row count, size, sha256 checksum and, once succeeded, a short-lived presigned download URL',
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
    summary: "Your export jobs, newest first; all=true lists everyone's (exports:read_all; only jobs whose data you may read yourself)",
    access: { permission: 'exports:read' },
    query: ListExportsQuery,
    responses: { 200: ExportJobPage },
  },
]);
