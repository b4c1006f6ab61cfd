import { createHttpHandler } from '../shared/http/app';
import { writeContextOf } from '../shared/http/context';
import { createContent, editContent, getContent, getPublished, listContent, listPublished, listVersions, submitContent, unpublishContent } from './content';
import { contentRoutes } from './routes';

export const handler = createHttpHandler(contentRoutes, {
  createContent: async (req) => {
    const content = await createContent(req.body, writeContextOf(req));
    return { status: 201, body: content, headers: { location: `/admin/v1/content/${content.id}` } };
  },
  listContent: async (req) => ({ status: 200, body: await listContent(req.query.status, req.query.limit, req.query.cursor) }),
  getContent: async (req) => ({ status: 200, body: await getContent(req.params.id) }),
  updateContent: async (req) => ({ status: 200, body: await editContent(req.params.id, req.body, req.ifMatch, writeContextOf(req)) }),
  listContentVersions: async (req) => ({ status: 200, body: await listVersions(req.params.id, req.query.limit, req.query.cursor) }),
  submitContent: async (req) => {
    const result = await submitContent(req.params.id, req.ifMatch, writeContextOf(req));
    if ('content' in result) return { status: 200, body: result.content };
    return { status: 202, body: result, headers: { location: `/admin/v1/approvals/${result.approval.id}` } };
  },
  unpublishContent: async (req) => ({ status: 200, body: await unpublishContent(req.params.id, req.ifMatch, writeContextOf(req)) }),

  partnerListContent: async (req) => ({ status: 200, body: await listPublished(req.query.limit, req.query.cursor) }),
  partnerGetContent: async (req) => ({ status: 200, body: await getPublished(req.params.slug) }),
});
