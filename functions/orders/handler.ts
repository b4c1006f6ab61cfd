import { requirePermission } from '../shared/auth/authorize';
import { createHttpHandler } from '../shared/http/app';
import { partnerIdOf, writeContextOf } from '../shared/http/context';
import { idempotencyOf, replayHeaders, type CommandResult } from '../shared/idempotency';
import {
  canSeePii,
  createCustomer,
  createPartnerCustomer,
  deleteCustomer,
  getCustomer,
  getPartnerCustomer,
  linkCustomerToPartner,
  listCustomers,
  restoreCustomer,
  toCustomer,
  toPartnerCustomer,
  unlinkCustomerFromPartner,
  updateCustomer,
} from './customers';
import { cancelOrder, completeOrder, fulfilOrder, getOrder, getOrderHistory, listOrders, listPartnerOrders, placeOrder, toOrder } from './orders';
import { ordersRoutes } from './routes';
import type { Order } from './schemas';

/** What a partner sees of an order: no internal actor ids. */
const forPartner = ({ updatedBy: _u, ...order }: Order) => order;

/** 201 + Location; a replayed response says so. */
function created<T>(result: CommandResult<T>, location: string) {
  return {
    status: 201 as const,
    body: result.body,
    headers: { location, ...replayHeaders(result) },
  };
}

export const handler = createHttpHandler(ordersRoutes, {
  createCustomer: async (req) => {
    const customer = await createCustomer(req.body, writeContextOf(req));
    return { status: 201, body: toCustomer(customer, canSeePii(req.principal)), headers: { location: `/admin/v1/customers/${customer.id}` } };
  },
  listCustomers: async (req) => {
    if (req.query.includeDeleted) requirePermission(req.principal, 'customers:write');
    const page = await listCustomers(req.query);
    const pii = canSeePii(req.principal);
    return { status: 200, body: { items: page.items.map((c) => toCustomer(c, pii)), nextCursor: page.nextCursor } };
  },
  getCustomer: async (req) => ({ status: 200, body: toCustomer(await getCustomer(req.params.id), canSeePii(req.principal)) }),
  updateCustomer: async (req) => ({
    status: 200,
    body: toCustomer(await updateCustomer(req.params.id, req.body, req.ifMatch, writeContextOf(req)), canSeePii(req.principal)),
  }),
  deleteCustomer: async (req) => {
    await deleteCustomer(req.params.id, req.ifMatch, writeContextOf(req));
    return { status: 204, body: undefined };
  },
  restoreCustomer: async (req) => ({
    status: 200,
    body: toCustomer(await restoreCustomer(req.params.id, req.ifMatch, writeContextOf(req)), canSeePii(req.principal)),
  }),
  linkCustomerPartner: async (req) => ({ status: 200, body: await linkCustomerToPartner(req.params.id, req.params.partnerId, writeContextOf(req)) }),
  unlinkCustomerPartner: async (req) => {
    await unlinkCustomerFromPartner(req.params.id, req.params.partnerId, writeContextOf(req));
    return { status: 204, body: undefined };
  },
  listCustomerOrders: async (req) => ({
    status: 200,
    body: await listOrders({ ...req.query, customerId: req.params.id }, 'admin.customer-orders'),
  }),

  createOrder: async (req) => {
    const result = await placeOrder(req.body, {}, idempotencyOf(req, 'createOrder', { required: false }), writeContextOf(req));
    return created(result, `/admin/v1/orders/${result.body.id}`);
  },
  listOrders: async (req) => ({ status: 200, body: await listOrders(req.query, 'admin.orders') }),
  getOrder: async (req) => ({ status: 200, body: toOrder(await getOrder(req.params.id)) }),
  getOrderHistory: async (req) => ({ status: 200, body: await getOrderHistory(req.params.id) }),
  fulfilOrder: async (req) => ({ status: 200, body: await fulfilOrder(req.params.id, req.ifMatch, writeContextOf(req)) }),
  cancelOrder: async (req) => ({ status: 200, body: await cancelOrder(req.params.id, req.body.reason, req.ifMatch, writeContextOf(req)) }),
  completeOrder: async (req) => ({ status: 200, body: await completeOrder(req.params.id, req.ifMatch, writeContextOf(req)) }),

  partnerCreateCustomer: async (req) => {
    const result = await createPartnerCustomer(partnerIdOf(req), req.body, idempotencyOf(req, 'partnerCreateCustomer', { required: true }), writeContextOf(req));
    return created(result, `/partner/v1/customers/${result.body.id}`);
  },
  partnerGetCustomer: async (req) => ({ status: 200, body: toPartnerCustomer(await getPartnerCustomer(req.params.id, partnerIdOf(req))) }),

  partnerCreateOrder: async (req) => {
    const partnerId = partnerIdOf(req);
    const result = await placeOrder(req.body, { partnerId }, idempotencyOf(req, 'partnerCreateOrder', { required: true }), writeContextOf(req));
    return created({ ...result, body: forPartner(result.body) }, `/partner/v1/orders/${result.body.id}`);
  },
  partnerListOrders: async (req) => {
    const page = await listPartnerOrders(partnerIdOf(req), req.query);
    return { status: 200, body: { items: page.items.map(forPartner), nextCursor: page.nextCursor } };
  },
  partnerGetOrder: async (req) => ({
    status: 200,
    body: forPartner(toOrder(await getOrder(req.params.id, partnerIdOf(req)))),
  }),
});
