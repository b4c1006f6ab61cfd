import { createHttpHandler } from '../shared/http/app';
import { writeContextOf } from '../shared/http/context';
import { createExport, getExport, listExports } from './jobs';
import { exportsRoutes } from './routes';

export const handler = createHttpHandler(exportsRoutes, {
  createExport: async (req) => {
    const job = await createExport(req.body, req.principal, writeContextOf(req));
    return { status: 202, body: { id: job.id, status: job.status }, headers: { location: `/admin/v1/exports/${job.id}` } };
  },
  getExport: async (req) => ({ status: 200, body: await getExport(req.params.id, req.principal) }),
  listExports: async (req) => ({ status: 200, body: await listExports(req.query, req.principal) }),
});
