import type { Principal } from '../shared/auth/principal';
import { forbidden } from '../shared/errors';
import { writeContextOf } from '../shared/http/context';
import { createHttpHandler } from '../shared/http/app';
import { createWebhook, deleteWebhook, getWebhook, listWebhooks, rotateWebhookSecret, updateWebhook } from './endpoints';
import { listDeliveries, listEvents, replay } from './feed';
import { webhookRoutes } from './routes';

function partnerOf(principal: Principal): string {
  if (principal.kind !== 'partner') throw forbidden('Only partners call the partner API');
  return principal.id;
}

export const handler = createHttpHandler(webhookRoutes, {
  partnerCreateWebhook: async (req) => {
    const created = await createWebhook(partnerOf(req.principal), req.body, writeContextOf(req));
    return { status: 201, body: created, headers: { location: `/partner/v1/webhooks/${created.webhook.id}` } };
  },
  partnerListWebhooks: async (req) => ({ status: 200, body: await listWebhooks(partnerOf(req.principal), req.query.limit, req.query.cursor) }),
  partnerGetWebhook: async (req) => ({ status: 200, body: await getWebhook(partnerOf(req.principal), req.params.id) }),
  partnerUpdateWebhook: async (req) => ({ status: 200, body: await updateWebhook(partnerOf(req.principal), req.params.id, req.body, req.ifMatch, writeContextOf(req)) }),
  partnerDeleteWebhook: async (req) => {
    await deleteWebhook(partnerOf(req.principal), req.params.id, req.ifMatch, writeContextOf(req));
    return { status: 204, body: undefined };
  },
  partnerRotateWebhookSecret: async (req) => ({
    status: 200,
    body: await rotateWebhookSecret(partnerOf(req.principal), req.params.id, req.body.overlapSeconds, writeContextOf(req)),
  }),
  partnerListWebhookDeliveries: async (req) => ({ status: 200, body: await listDeliveries(partnerOf(req.principal), req.params.id, req.query.limit, req.query.cursor) }),
  partnerReplayWebhook: async (req) => ({ status: 202, body: await replay(partnerOf(req.principal), req.params.id, req.body) }),
  partnerListEvents: async (req) => ({ status: 200, body: await listEvents(partnerOf(req.principal), req.query.after, req.query.limit) }),
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
