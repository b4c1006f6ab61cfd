import { createHttpHandler } from '../shared/http/app';
import { listEntries, verifyChain } from './audit-log';
import { auditRoutes } from './routes';

export const handler = createHttpHandler(auditRoutes, {
  listAuditEntries: async (req) => ({ status: 200, body: await listEntries(req.query) }),
  verifyAuditChain: async (req) => ({ status: 200, body: await verifyChain(req.query.entityType, req.query.entityId) }),
});
