import { createHttpHandler } from '../shared/http/app';
import { partnerIdOf, writeContextOf } from '../shared/http/context';
import { idempotencyOf, replayHeaders } from '../shared/idempotency';
import { supportRoutes } from './routes';
import {
  addComment,
  assignTicket,
  closeTicket,
  createTicket,
  forPartner,
  getTicket,
  getTicketHistory,
  listComments,
  listTickets,
  reopenTicket,
  resolveTicket,
  startTicket,
  toTicket,
} from './tickets';

export const handler = createHttpHandler(supportRoutes, {
  createTicket: async (req) => {
    const result = await createTicket(req.body, {}, idempotencyOf(req, 'createTicket', { required: false }), writeContextOf(req));
    return { status: 201, body: result.body, headers: { location: `/admin/v1/tickets/${result.body.id}`, ...replayHeaders(result) } };
  },
  listTickets: async (req) => ({ status: 200, body: await listTickets(req.query, req.principal.id) }),
  getTicket: async (req) => ({ status: 200, body: toTicket(await getTicket(req.params.id)) }),
  getTicketHistory: async (req) => ({ status: 200, body: await getTicketHistory(req.params.id) }),
  assignTicket: async (req) => ({ status: 200, body: await assignTicket(req.params.id, req.body.assigneeId, req.ifMatch, writeContextOf(req)) }),
  startTicket: async (req) => ({ status: 200, body: await startTicket(req.params.id, req.ifMatch, writeContextOf(req)) }),
  resolveTicket: async (req) => ({ status: 200, body: await resolveTicket(req.params.id, req.body.resolution, req.ifMatch, writeContextOf(req)) }),
  closeTicket: async (req) => ({ status: 200, body: await closeTicket(req.params.id, req.ifMatch, writeContextOf(req)) }),
  reopenTicket: async (req) => ({ status: 200, body: await reopenTicket(req.params.id, req.body, req.ifMatch, writeContextOf(req)) }),
  createTicketComment: async (req) => {
    const comment = await addComment(req.params.id, req.body, writeContextOf(req));
    return { status: 201, body: comment, headers: { location: `/admin/v1/tickets/${req.params.id}/comments` } };
  },
  listTicketComments: async (req) => ({ status: 200, body: await listComments(req.params.id, req.query.limit, req.query.cursor) }),

  partnerCreateTicket: async (req) => {
    const partnerId = partnerIdOf(req);
    const result = await createTicket(req.body, { partnerId }, idempotencyOf(req, 'partnerCreateTicket', { required: true }), writeContextOf(req));
    return { status: 201, body: forPartner(result.body), headers: replayHeaders(result) };
  },
});
