import { partnerIdOf, writeContextOf } from '../shared/http/context';
import { createHttpHandler } from '../shared/http/app';
import { createWebhook, deleteWebhook, getWebhook, listWebhooks, rotateWebhookSecret, updateWebhook } from './endpoints';
import { listDeliveries, listEvents, replay } from './feed';
import { webhookRoutes } from './routes';

export const handler = createHttpHandler(webhookRoutes, {
  partnerCreateWebhook: async (req) => {
    const created = await createWebhook(partnerIdOf(req), req.body, writeContextOf(req));
    return { status: 201, body: created, headers: { location: `/partner/v1/webhooks/${created.webhook.id}` } };
  },
  partnerListWebhooks: async (req) => ({ status: 200, body: await listWebhooks(partnerIdOf(req), req.query.limit, req.query.cursor) }),
  partnerGetWebhook: async (req) => ({ status: 200, body: await getWebhook(partnerIdOf(req), req.params.id) }),
  partnerUpdateWebhook: async (req) => ({ status: 200, body: await updateWebhook(partnerIdOf(req), req.params.id, req.body, req.ifMatch, writeContextOf(req)) }),
  partnerDeleteWebhook: async (req) => {
    await deleteWebhook(partnerIdOf(req), req.params.id, req.ifMatch, writeContextOf(req));
    return { status: 204, body: undefined };
  },
  partnerRotateWebhookSecret: async (req) => ({
    status: 200,
    body: await rotateWebhookSecret(partnerIdOf(req), req.params.id, req.body.overlapSeconds, writeContextOf(req)),
  }),
  partnerListWebhookDeliveries: async (req) => ({ status: 200, body: await listDeliveries(partnerIdOf(req), req.params.id, req.query.limit, req.query.cursor) }),
  partnerReplayWebhook: async (req) => ({ status: 202, body: await replay(partnerIdOf(req), req.params.id, req.body) }),
  partnerListEvents: async (req) => ({ status: 200, body: await listEvents(partnerIdOf(req), req.query.after, req.query.limit) }),
  listPartnerWebhooks: async (req) => ({ status: 200, body: await listWebhooks(req.params.id, req.query.limit, req.query.cursor) }),
  getPartnerWebhook: async (req) => ({ status: 200, body: await getWebhook(req.params.id, req.params.webhookId) }),
  createPartnerWebhook: async (req) => {
    const created = await createWebhook(req.params.id, req.body, writeContextOf(req));
    return { status: 201, body: created, headers: { location: `/admin/v1/partners/${req.params.id}/webhooks/${created.webhook.id}` } };
  },
  updatePartnerWebhook: async (req) => ({ status: 200, body: await updateWebhook(req.params.id, req.params.webhookId, req.body, req.ifMatch, writeContextOf(req)) }),
  deletePartnerWebhook: async (req) => {
    await deleteWebhook(req.params.id, req.params.webhookId, req.ifMatch, writeContextOf(req));
    return { status: 204, body: undefined };
  },
  listPartnerWebhookDeliveries: async (req) => ({ status: 200, body: await listDeliveries(req.params.id, req.params.webhookId, req.query.limit, req.query.cursor) }),
});
