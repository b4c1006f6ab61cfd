import { defineRoutes } from '../shared/http/route';
import { page } from '../shared/schemas';
import { AuditEntry, ListAuditQuery, VerifyAuditQuery, VerifyResult } from './schemas';

/** Read-only by design: no route can change or delete an audit entry (docs/architecture.md#audit-log). */
export const auditRoutes = defineRoutes([
  {
    operationId: 'listAuditEntries',
    api: 'admin',
    method: 'GET',
    path: '/audit',
    module: 'audit',
    summary: 'List audit entries',
    description: 'Audit entries of one entity (`entityType` and `entityId`, in chain order), of one actor (newest first), or of a time range (`from` and `to`, at most 31 days, newest first, one day per page).',
    access: { permission: 'audit:read' },
    query: ListAuditQuery,
    responses: { 200: page(AuditEntry) },
  },
  {
    operationId: 'verifyAuditChain',
    api: 'admin',
    method: 'GET',
    path: '/audit/verify',
    module: 'audit',
    summary: 'Verify an audit chain',
    description: 'Recomputes the hash chain of an entity’s audit entries: ok with the number of entries, or the first broken sequence number.',
    access: { permission: 'audit:read' },
    query: VerifyAuditQuery,
    responses: { 200: VerifyResult },
  },
]);
