import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { DEFAULT_POLICY } from '../functions/approval-kinds';
import { handler as analytics } from '../functions/analytics/handler';
import { handler as webhooks } from '../functions/webhooks/handler';
import { handler as approvals } from '../functions/approvals/handler';
import { handler as audit } from '../functions/audit/handler';
import { handler as catalog } from '../functions/catalog/handler';
import { handler as docs } from '../functions/docs/handler';
import { handler as exportsModule } from '../functions/exports/handler';
import { handler as finance } from '../functions/finance/handler';
import { handler as iam } from '../functions/iam/handler';
import { handler as logistics } from '../functions/logistics/handler';
import { handler as orders } from '../functions/orders/handler';
import { handler as content } from '../functions/content/handler';
import { handler as support } from '../functions/support/handler';
import { routes } from '../functions/routes';
import type { ModuleName, RouteSpec } from '../functions/shared/http/route';
import { newId } from '../functions/shared/ids';
import { adminEvent, lambdaContext, parse, partnerEvent, type ParsedResponse } from '../tests/support/lambda-events';
import { createStaff } from '../tests/support/staff';

/**
 * One realistic call per route of the route table (functions/routes.ts), each with fixtures of its
 * own (a product, a customer, an order, a partner, a key, an approval, …) created through the
 * routes beforehand. The bench measures the call's DynamoDB requests, capacity and duration; the
 * request-count test (tests/integration/route-request-counts.test.ts) holds every route to its
 * budget (bench/route-budgets.ts). Handlers run in process, as API Gateway would invoke them.
 */
type Handler = (event: never, context: Context) => Promise<APIGatewayProxyResult>;
const HANDLERS: Record<ModuleName, Handler> = { docs, iam, catalog, audit, approvals, orders, finance, logistics, support, exports: exportsModule, analytics, content, webhooks } as unknown as Record<ModuleName, Handler>;

export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A prepared call: what to send (as `staffId` on the admin API, as the partner on the partner API) and the status it must answer. */
export interface Prepared extends CallOptions {
  status: number;
  staffId?: string;
}

export function routeOf(operationId: string): RouteSpec {
  const route = routes.find((r) => r.operationId === operationId);
  if (!route) throw new Error(`No route ${operationId}`);
  return route;
}

/** Everything scenarios share: an admin, a second admin (four eyes), a partner, and fixture builders. */
export class Fixtures {
  private constructor(
    readonly admin: string,
    readonly admin2: string,
    readonly partner: string,
  ) {}

  static async create(): Promise<Fixtures> {
    const [admin, admin2] = await Promise.all([createStaff(['admin']), createStaff(['admin'])]);
    const fx = new Fixtures(admin, admin2, '');
    const partner = await fx.ok('createPartner', { body: { name: 'Bench partner', scopes: ['catalog:read', 'orders:read', 'orders:write', 'shipments:write', 'webhooks:manage', 'events:read'] } }, 201);
    return new Fixtures(admin, admin2, partner.id as string);
  }

  /** Calls a route (admin: as `staffId`, default the admin; partner: as the partner). */
  async call(operationId: string, options: CallOptions & { staffId?: string } = {}): Promise<ParsedResponse> {
    const route = routeOf(operationId);
    const event =
      route.api === 'admin'
        ? adminEvent(route, { staffId: options.staffId ?? this.admin, ...stripStaff(options) })
        : partnerEvent(route, { partnerId: this.partner, ...stripStaff(options) });
    return parse(await HANDLERS[route.module](event as never, lambdaContext(route.module)));
  }

  /** A fixture call that must answer `status`; returns its body. */
  async ok(operationId: string, options: CallOptions & { staffId?: string }, status: number) {
    const res = await this.call(operationId, options);
    if (res.status !== status) throw new Error(`${operationId}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async product(price = 1_000): Promise<string> {
    return (await this.ok('createProduct', { body: { sku: `B-${newId()}`, name: 'Bench item', price: eur(price), status: 'active' } }, 201)).id;
  }
  async productWithStock(units = 20): Promise<string> {
    const id = await this.product();
    await this.ok('adjustStock', { params: { id }, body: { delta: units, reason: 'Goods received' } }, 201);
    return id;
  }
  private stocked?: Promise<string>;
  /** One product with plenty of stock, shared by the order scenarios: a warm container knows its catalog. */
  catalogProduct(): Promise<string> {
    this.stocked ??= this.productWithStock(10_000);
    return this.stocked;
  }
  async customer(): Promise<string> {
    return (await this.ok('createCustomer', { body: { name: 'Bench Customer', email: `${newId().toLowerCase()}@example.com` } }, 201)).id;
  }
  /** A customer the fixture partner created (so it may order for them). */
  async partnerCustomer(): Promise<string> {
    const body = { name: 'Bench Partner Customer', email: `${newId().toLowerCase()}@example.com` };
    return (await this.ok('partnerCreateCustomer', { body, headers: { 'Idempotency-Key': newId() } }, 201)).id;
  }
  /** An order the fixture partner placed, paid and shipped. */
  async shippedPartnerOrder(): Promise<string> {
    const body = { customerId: await this.partnerCustomer(), lines: [{ productId: await this.catalogProduct(), quantity: 1 }] };
    const placed = await this.ok('partnerCreateOrder', { body, headers: { 'Idempotency-Key': newId() } }, 201);
    await this.ok('createPayment', { params: { id: placed.id }, body: { amount: placed.total, method: 'card' } }, 201);
    const shipped = await this.ok('createShipment', { params: { id: placed.id }, body: { carrier: 'DHL', trackingNumber: `T-${newId()}`, carrierPartnerId: this.partner } }, 201);
    await this.ok('createTrackingEvent', { params: { id: shipped.id }, body: { type: 'in_transit', location: 'Hub' } }, 201);
    return placed.id as string;
  }
  async order(): Promise<{ id: string; total: { amount: number; currency: string } }> {
    const productId = await this.productWithStock();
    return this.ok('createOrder', { body: { customerId: await this.customer(), lines: [{ productId, quantity: 2 }] } }, 201);
  }
  async paidOrder(): Promise<string> {
    const placed = await this.order();
    await this.ok('createPayment', { params: { id: placed.id }, body: { amount: placed.total, method: 'card' } }, 201);
    return placed.id;
  }
  async shipment(): Promise<{ orderId: string; shipmentId: string }> {
    const orderId = await this.paidOrder();
    const shipped = await this.ok('createShipment', { params: { id: orderId }, body: { carrier: 'DHL', trackingNumber: `T-${newId()}`, carrierPartnerId: this.partner } }, 201);
    return { orderId, shipmentId: shipped.id };
  }
  async staff(roles = ['support']): Promise<string> {
    return createStaff(roles);
  }
  /** A ticket filed by the admin, moved on to `status` (assigned to the admin on the way). */
  async ticket(status: 'open' | 'assigned' | 'resolved' = 'open'): Promise<string> {
    const { id } = await this.ok('createTicket', { body: { subject: 'Bench', description: 'Parcel missing', priority: 'normal' } }, 201);
    if (status !== 'open') await this.ok('assignTicket', { params: { id }, body: { assigneeId: this.admin } }, 200);
    if (status === 'resolved') await this.ok('resolveTicket', { params: { id }, body: {} }, 200);
    return id as string;
  }
  /** A draft content piece (version 1). */
  async content(): Promise<string> {
    return (await this.ok('createContent', { body: { title: 'Bench', body: 'Text', slug: `bench-${newId().toLowerCase()}` } }, 201)).id;
  }
  /** A piece submitted by the admin, approved by the second admin, and published by the workflow. */
  async publishedContent(): Promise<{ id: string; slug: string }> {
    const id = await this.content();
    const submitted = await this.ok('submitContent', { params: { id } }, 202);
    const approvalId = submitted.approval.id as string;
    const until = Date.now() + 15_000;
    for (;;) {
      const approval = await this.ok('getApproval', { params: { id: approvalId } }, 200);
      if (approval.steps[0]?.status === 'open') break;
      if (Date.now() > until) throw new Error(`Approval ${approvalId}: the workflow did not open its first step`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await this.ok('approveApproval', { params: { id: approvalId }, body: {}, staffId: this.admin2 }, 200);
    for (;;) {
      const piece = await this.ok('getContent', { params: { id } }, 200);
      if (piece.status === 'published') return { id, slug: piece.slug as string };
      if (Date.now() > until) throw new Error(`Content ${id} was not published`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  /** Deletes the fixture partner's endpoints: the scenarios run many times, and a partner has at most 10. */
  async noWebhooks(): Promise<void> {
    const { items } = await this.ok('partnerListWebhooks', { query: { limit: '100' } }, 200);
    for (const endpoint of items as Array<{ id: string }>) await this.ok('partnerDeleteWebhook', { params: { id: endpoint.id } }, 204);
  }
  /** A webhook endpoint of the fixture partner. */
  async webhook(): Promise<string> {
    await this.noWebhooks();
    const created = await this.ok('partnerCreateWebhook', { body: { url: 'https://hooks.example.com/backoffice', eventTypes: ['order.paid'] } }, 201);
    return created.webhook.id as string;
  }
  async role(): Promise<string> {
    const name = `r-${newId().toLowerCase().slice(-12)}`;
    await this.ok('createRole', { body: { name, permissions: ['products:read'] } }, 201);
    return name;
  }
  async partnerWithKey(): Promise<{ id: string; keyId: string }> {
    const partner = await this.ok('createPartner', { body: { name: 'Keyed partner', scopes: ['orders:read'] } }, 201);
    const key = await this.ok('issuePartnerKey', { params: { id: partner.id }, body: {} }, 201);
    return { id: partner.id, keyId: key.keyId ?? key.id };
  }
  /** A price change held back for approval, its first step open (the workflow stored its task token). */
  async openApproval(): Promise<string> {
    const id = await this.product(10_000);
    const held = await this.ok('updateProduct', { params: { id }, body: { price: eur(20_000) } }, 202);
    const approvalId = held.approval.id as string;
    const until = Date.now() + 15_000;
    for (;;) {
      const approval = await this.ok('getApproval', { params: { id: approvalId } }, 200);
      if (approval.steps[0]?.status === 'open') return approvalId;
      if (Date.now() > until) throw new Error(`Approval ${approvalId}: the workflow did not open its first step`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

const stripStaff = ({ staffId: _staffId, ...options }: CallOptions & { staffId?: string }) => options;
const eur = (amount: number) => ({ amount, currency: 'EUR' as const });
const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });

/** Per operationId: prepares the route's fixtures and returns the call to measure. */
export const SCENARIOS: Record<string, (fx: Fixtures) => Promise<Prepared>> = {
  // docs
  getOpenApi: async () => ({ status: 200 }),
  getPartnerOpenApi: async () => ({ status: 200 }),
  // iam
  getMe: async () => ({ status: 200 }),
  listRoles: async () => ({ query: { limit: '10' }, status: 200 }),
  getRole: async (fx) => ({ params: { name: await fx.role() }, status: 200 }),
  createRole: async () => ({ body: { name: `r-${newId().toLowerCase().slice(-12)}`, permissions: ['products:read', 'orders:read'] }, status: 201 }),
  updateRole: async (fx) => ({ params: { name: await fx.role() }, body: { description: 'Changed' }, headers: ifMatch(1), status: 200 }),
  deleteRole: async (fx) => ({ params: { name: await fx.role() }, status: 204 }),
  listStaff: async () => ({ query: { limit: '10' }, status: 200 }),
  createStaff: async () => ({ body: { email: `${newId().toLowerCase()}@example.com`, name: 'Bench Staff', roles: ['support'] }, status: 201 }),
  getStaff: async (fx) => ({ params: { id: await fx.staff() }, status: 200 }),
  updateStaff: async (fx) => ({ params: { id: await fx.staff() }, body: { name: 'Renamed' }, headers: ifMatch(1), status: 200 }),
  setStaffRoles: async (fx) => ({ params: { id: await fx.staff() }, body: { roles: ['support', 'finance'] }, headers: ifMatch(1), status: 200 }),
  disableStaff: async (fx) => ({ params: { id: await fx.staff() }, status: 200 }),
  enableStaff: async (fx) => {
    const id = await fx.staff();
    await fx.ok('disableStaff', { params: { id } }, 200);
    return { params: { id }, status: 200 };
  },
  listPartners: async () => ({ query: { limit: '10' }, status: 200 }),
  createPartner: async () => ({ body: { name: 'New partner', scopes: ['orders:read'] }, status: 201 }),
  getPartner: async (fx) => ({ params: { id: (await fx.partnerWithKey()).id }, status: 200 }),
  updatePartner: async (fx) => ({ params: { id: (await fx.partnerWithKey()).id }, body: { name: 'Renamed partner' }, headers: ifMatch(1), status: 200 }),
  deletePartner: async (fx) => ({ params: { id: (await fx.partnerWithKey()).id }, status: 204 }),
  listPartnerKeys: async (fx) => ({ params: { id: (await fx.partnerWithKey()).id }, status: 200 }),
  issuePartnerKey: async (fx) => ({ params: { id: (await fx.partnerWithKey()).id }, body: { scopes: ['orders:read'] }, status: 201 }),
  revokePartnerKey: async (fx) => {
    const { id, keyId } = await fx.partnerWithKey();
    return { params: { id, keyId }, status: 204 };
  },
  rotatePartnerKey: async (fx) => {
    const { id, keyId } = await fx.partnerWithKey();
    return { params: { id, keyId }, body: { overlapSeconds: 3600 }, status: 201 };
  },
  // catalog
  createProduct: async () => ({ body: { sku: `B-${newId()}`, name: 'Bench', price: eur(100) }, status: 201 }),
  listProducts: async () => ({ query: { limit: '10' }, status: 200 }),
  getProduct: async (fx) => ({ params: { id: await fx.product() }, status: 200 }),
  updateProduct: async (fx) => ({ params: { id: await fx.product() }, body: { name: 'Renamed' }, headers: ifMatch(1), status: 200 }),
  deleteProduct: async (fx) => ({ params: { id: await fx.product() }, status: 204 }),
  restoreProduct: async (fx) => {
    const id = await fx.product();
    await fx.ok('deleteProduct', { params: { id } }, 204);
    return { params: { id }, status: 200 };
  },
  adjustStock: async (fx) => ({ params: { id: await fx.product() }, body: { delta: 5, reason: 'Goods received' }, status: 201 }),
  listStockAdjustments: async (fx) => ({ params: { id: await fx.productWithStock() }, status: 200 }),
  partnerListProducts: async () => ({ query: { limit: '10' }, status: 200 }),
  // audit
  listAuditEntries: async (fx) => ({ query: { entityType: 'product', entityId: await fx.product() }, status: 200 }),
  verifyAuditChain: async (fx) => ({ query: { entityType: 'product', entityId: await fx.product() }, status: 200 }),
  // approvals
  getApprovalPolicy: async () => ({ status: 200 }),
  putApprovalPolicy: async () => ({ body: { kinds: DEFAULT_POLICY.kinds }, status: 200 }),
  listApprovals: async () => ({ query: { limit: '10' }, status: 200 }),
  getApproval: async (fx) => ({ params: { id: await fx.openApproval() }, status: 200 }),
  approveApproval: async (fx) => ({ params: { id: await fx.openApproval() }, body: { comment: 'ok' }, staffId: fx.admin2, status: 200 }),
  rejectApproval: async (fx) => ({ params: { id: await fx.openApproval() }, body: { comment: 'no' }, staffId: fx.admin2, status: 200 }),
  // orders
  createCustomer: async () => ({ body: { name: 'Bench Customer', email: `${newId().toLowerCase()}@example.com` }, status: 201 }),
  listCustomers: async () => ({ query: { limit: '10' }, status: 200 }),
  getCustomer: async (fx) => ({ params: { id: await fx.customer() }, status: 200 }),
  updateCustomer: async (fx) => ({ params: { id: await fx.customer() }, body: { name: 'Renamed' }, headers: ifMatch(1), status: 200 }),
  deleteCustomer: async (fx) => ({ params: { id: await fx.customer() }, status: 204 }),
  restoreCustomer: async (fx) => {
    const id = await fx.customer();
    await fx.ok('deleteCustomer', { params: { id } }, 204);
    return { params: { id }, status: 200 };
  },
  linkCustomerPartner: async (fx) => ({ params: { id: await fx.customer(), partnerId: fx.partner }, status: 200 }),
  unlinkCustomerPartner: async (fx) => {
    const id = await fx.customer();
    await fx.ok('linkCustomerPartner', { params: { id, partnerId: fx.partner } }, 200);
    return { params: { id, partnerId: fx.partner }, status: 204 };
  },
  listCustomerOrders: async (fx) => ({ params: { id: await fx.customer() }, status: 200 }),
  createOrder: async (fx) => ({ body: { customerId: await fx.customer(), lines: [{ productId: await fx.catalogProduct(), quantity: 2 }] }, status: 201 }),
  listOrders: async () => ({ query: { status: 'pending_payment', limit: '10' }, status: 200 }),
  getOrder: async (fx) => ({ params: { id: (await fx.order()).id }, status: 200 }),
  getOrderHistory: async (fx) => ({ params: { id: (await fx.order()).id }, status: 200 }),
  fulfilOrder: async (fx) => ({ params: { id: await fx.paidOrder() }, status: 200 }),
  cancelOrder: async (fx) => ({ params: { id: (await fx.order()).id }, body: { reason: 'Customer asked' }, status: 200 }),
  completeOrder: async (fx) => {
    const { orderId, shipmentId } = await fx.shipment();
    await fx.ok('createTrackingEvent', { params: { id: shipmentId }, body: { type: 'delivered' } }, 201);
    return { params: { id: orderId }, status: 200 };
  },
  partnerCreateCustomer: async () => ({
    body: { name: 'Bench Partner Customer', email: `${newId().toLowerCase()}@example.com` },
    headers: { 'Idempotency-Key': newId() },
    status: 201,
  }),
  partnerGetCustomer: async (fx) => ({ params: { id: await fx.partnerCustomer() }, status: 200 }),
  partnerCreateOrder: async (fx) => ({
    body: { customerId: await fx.partnerCustomer(), lines: [{ productId: await fx.catalogProduct(), quantity: 1 }] },
    headers: { 'Idempotency-Key': newId() },
    status: 201,
  }),
  partnerListOrders: async () => ({ query: { updatedSince: '2026-01-01T00:00:00Z', status: 'pending_payment', limit: '10' }, status: 200 }),
  partnerGetOrder: async (fx) => {
    const placed = await fx.ok('partnerCreateOrder', { body: { customerId: await fx.partnerCustomer(), lines: [{ productId: await fx.productWithStock(), quantity: 1 }] }, headers: { 'Idempotency-Key': newId() } }, 201);
    return { params: { id: placed.id }, status: 200 };
  },
  // finance
  createPayment: async (fx) => {
    const placed = await fx.order();
    return { params: { id: placed.id }, body: { amount: placed.total, method: 'card' }, status: 201 };
  },
  createRefund: async (fx) => ({ params: { id: await fx.paidOrder() }, body: { amount: eur(500), reason: 'Damaged' }, status: 201 }),
  listLedgerAccounts: async () => ({ status: 200 }),
  listLedgerEntries: async (fx) => {
    await fx.paidOrder();
    return { params: { code: '1000' }, status: 200 };
  },
  getTrialBalance: async () => ({ query: { currency: 'EUR' }, status: 200 }),
  // logistics
  createShipment: async (fx) => ({ params: { id: await fx.paidOrder() }, body: { carrier: 'DHL', trackingNumber: `T-${newId()}`, carrierPartnerId: fx.partner }, status: 201 }),
  getShipment: async (fx) => ({ params: { id: (await fx.shipment()).shipmentId }, status: 200 }),
  createTrackingEvent: async (fx) => ({ params: { id: (await fx.shipment()).shipmentId }, body: { type: 'in_transit' }, status: 201 }),
  partnerListOrderShipments: async (fx) => ({ params: { id: await fx.shippedPartnerOrder() }, status: 200 }),
  partnerCreateTrackingEvent: async (fx) => ({ params: { id: (await fx.shipment()).shipmentId }, body: { type: 'in_transit' }, headers: { 'Idempotency-Key': newId() }, status: 201 }),
  // support
  createTicket: async (fx) => ({ body: { subject: 'Bench', description: 'Parcel missing', customerId: await fx.customer(), priority: 'normal' }, status: 201 }),
  listTickets: async () => ({ query: { list: 'overdue', limit: '10' }, status: 200 }),
  getTicket: async (fx) => ({ params: { id: await fx.ticket() }, status: 200 }),
  getTicketHistory: async (fx) => ({ params: { id: await fx.ticket() }, status: 200 }),
  assignTicket: async (fx) => ({ params: { id: await fx.ticket() }, body: { assigneeId: await fx.staff(['support']) }, headers: ifMatch(1), status: 200 }),
  startTicket: async (fx) => ({ params: { id: await fx.ticket('assigned') }, status: 200 }),
  resolveTicket: async (fx) => ({ params: { id: await fx.ticket('assigned') }, body: { resolution: 'Resent' }, status: 200 }),
  closeTicket: async (fx) => ({ params: { id: await fx.ticket('resolved') }, status: 200 }),
  reopenTicket: async (fx) => ({ params: { id: await fx.ticket('resolved') }, body: { reason: 'Still broken' }, status: 200 }),
  createTicketComment: async (fx) => ({ params: { id: await fx.ticket() }, body: { body: 'Called the customer', visibility: 'internal' }, status: 201 }),
  listTicketComments: async (fx) => {
    const id = await fx.ticket();
    await fx.ok('createTicketComment', { params: { id }, body: { body: 'Noted', visibility: 'customer' } }, 201);
    return { params: { id }, status: 200 };
  },
  partnerCreateTicket: async (fx) => ({
    body: { subject: 'Bench', description: 'Damaged', customerId: await fx.partnerCustomer(), priority: 'high' },
    headers: { 'Idempotency-Key': newId() },
    status: 201,
  }),
  // exports
  createExport: async () => ({ body: { entity: 'order', format: 'csv', filter: { from: '2026-01-01' } }, status: 202 }),
  getExport: async (fx) => ({ params: { id: (await fx.ok('createExport', { body: { entity: 'product', format: 'jsonl' } }, 202)).id as string }, status: 200 }),
  listExports: async () => ({ query: { limit: '10' }, status: 200 }),
  // analytics
  getDailyMetrics: async () => ({ query: { from: '2026-01-01', to: '2026-12-31' }, status: 200 }),
  // content
  createContent: async () => ({ body: { title: 'Bench', body: 'Text', slug: `bench-${newId().toLowerCase()}` }, status: 201 }),
  listContent: async () => ({ query: { status: 'draft', limit: '10' }, status: 200 }),
  getContent: async (fx) => ({ params: { id: await fx.content() }, status: 200 }),
  updateContent: async (fx) => ({ params: { id: await fx.content() }, body: { title: 'Bench v2', body: 'Edited' }, headers: ifMatch(1), status: 200 }),
  listContentVersions: async (fx) => ({ params: { id: await fx.content() }, status: 200 }),
  submitContent: async (fx) => ({ params: { id: await fx.content() }, status: 202 }),
  unpublishContent: async (fx) => ({ params: { id: (await fx.publishedContent()).id }, status: 200 }),
  partnerListContent: async (fx) => {
    await fx.publishedContent();
    return { query: { limit: '10' }, status: 200 };
  },
  partnerGetContent: async (fx) => ({ params: { slug: (await fx.publishedContent()).slug }, status: 200 }),
  // webhooks
  partnerCreateWebhook: async (fx) => {
    await fx.noWebhooks();
    return { body: { url: 'https://hooks.example.com/orders', eventTypes: ['order.created', 'order.shipped'] }, status: 201 };
  },
  partnerListWebhooks: async (fx) => {
    await fx.webhook();
    return { query: { limit: '10' }, status: 200 };
  },
  partnerGetWebhook: async (fx) => ({ params: { id: await fx.webhook() }, status: 200 }),
  partnerUpdateWebhook: async (fx) => ({ params: { id: await fx.webhook() }, body: { description: 'Production' }, headers: ifMatch(1), status: 200 }),
  partnerDeleteWebhook: async (fx) => ({ params: { id: await fx.webhook() }, status: 204 }),
  partnerRotateWebhookSecret: async (fx) => ({ params: { id: await fx.webhook() }, body: { overlapSeconds: 3600 }, status: 200 }),
  partnerListWebhookDeliveries: async (fx) => ({ params: { id: await fx.webhook() }, query: { limit: '10' }, status: 200 }),
  partnerReplayWebhook: async (fx) => ({ params: { id: await fx.webhook() }, body: { since: '2026-01-01T00:00:00.000Z' }, status: 202 }),
  partnerListEvents: async () => ({ query: { limit: '10' }, status: 200 }),
  listPartnerWebhooks: async (fx) => ({ params: { id: fx.partner }, query: { limit: '10' }, status: 200 }),
  getPartnerWebhook: async (fx) => ({ params: { id: fx.partner, webhookId: await fx.webhook() }, status: 200 }),
  createPartnerWebhook: async (fx) => {
    await fx.noWebhooks();
    return { params: { id: fx.partner }, body: { url: 'https://hooks.example.com/admin', eventTypes: ['order.paid'] }, status: 201 };
  },
  updatePartnerWebhook: async (fx) => ({ params: { id: fx.partner, webhookId: await fx.webhook() }, body: { enabled: false }, headers: ifMatch(1), status: 200 }),
  deletePartnerWebhook: async (fx) => ({ params: { id: fx.partner, webhookId: await fx.webhook() }, status: 204 }),
  listPartnerWebhookDeliveries: async (fx) => ({ params: { id: fx.partner, webhookId: await fx.webhook() }, query: { limit: '10' }, status: 200 }),
};
