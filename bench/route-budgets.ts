import type { ApiName } from '../functions/shared/http/route';

/**
 * The DynamoDB request budget of every route of the route table (docs/architecture.md#data), in one table:
 * `requests` is what the route does today (held exactly by tests/integration/route-request-counts.test.ts),
 * `minimum` what its access pattern needs at the least, and `reason` why, in one line. Both omit the
 * authorization read: every admin route first reads the caller's staff record (AUTH, one strongly
 * consistent GetItem, so a disabled member is refused at once); partner routes have none (the key
 * authorizer did it). A route of functions/routes.ts missing here fails the test.
 */
export const AUTH = 'GetItem';

export interface RouteBudget {
  requests: readonly string[];
  minimum: readonly string[];
  reason: string;
}

const same = (requests: string[], reason: string): RouteBudget => ({ requests, minimum: requests, reason });

export const ROUTE_BUDGETS: Readonly<Record<string, RouteBudget>> = {
  // docs
  getOpenApi: same([], 'The document is bundled with the function: only the authorization read.'),
  getPartnerOpenApi: same([], 'The document is bundled with the function; the key authorizer did the only read.'),
  // iam
  getMe: same([], 'The caller’s record is the authorization read itself.'),
  listRoles: same(['Query'], 'Built-in roles are in code; custom roles are one Query page.'),
  getRole: same(['GetItem'], 'A role is one item.'),
  createRole: same(['PutItem'], 'One conditional put (the name must be free).'),
  updateRole: same(['UpdateItem'], 'One conditional update (version, custom role).'),
  deleteRole: same(['UpdateItem'], 'One conditional update marking the role deleted and stamping the deleter (nobody holds it, expected version).'),
  listStaff: same(['Query'], 'One Query page of the staff index.'),
  createStaff: same(['TransactWriteItems'], 'The member, the unique-email claim and role grants in one transaction.'),
  getStaff: same(['GetItem'], 'A member is one item.'),
  updateStaff: same(['UpdateItem'], 'One conditional update (name; an email change would also move its claim).'),
  setStaffRoles: same(['GetItem', 'TransactWriteItems'], 'The current roles decide which grant items change and whether admin needs approval; then one transaction.'),
  disableStaff: same(['UpdateItem'], 'One conditional update of the status.'),
  enableStaff: same(['UpdateItem'], 'One conditional update of the status.'),
  listPartners: same(['Query'], 'One Query page of the sparse partner index.'),
  createPartner: same(['PutItem'], 'One put (a new id).'),
  getPartner: same(['GetItem'], 'A partner is one item.'),
  updatePartner: same(['UpdateItem'], 'One conditional update.'),
  deletePartner: same(['UpdateItem'], 'Soft delete: one conditional update (disabled, dropped from the list index).'),
  listPartnerKeys: same(['Query'], 'One Query: the partner item heads its keys’ index partition, so the first page tells an unknown or deleted partner (404) from one without keys.'),
  issuePartnerKey: same(
    ['TransactWriteItems'],
    'With its scopes named: the key and a check of the partner (live, active, holds each scope; the partner returned on failure says 404, 409 or 400) in one transaction. Without scopes the key takes all of the partner’s: read first (GetItem + PutItem).',
  ),
  revokePartnerKey: same(['UpdateItem'], 'One conditional update of the key.'),
  rotatePartnerKey: same(['GetItem', 'TransactWriteItems'], 'The old key is read: the new key takes its scopes and expiry, which the request does not carry; the new key and the old key’s expiry in one transaction.'),
  // catalog
  createProduct: same(['TransactWriteItems'], 'The product, its SKU claim and its stock item in one transaction.'),
  listProducts: same(['Query'], 'One Query page.'),
  getProduct: same(['GetItem'], 'A product (with its stock) is one item.'),
  updateProduct: same(['UpdateItem'], 'One conditional update (a SKU change also reads the claim and moves it: GetItem + TransactWriteItems).'),
  deleteProduct: same(['UpdateItem'], 'Soft delete: one conditional update.'),
  restoreProduct: same(['UpdateItem'], 'One conditional update.'),
  adjustStock: same(['GetItem', 'TransactWriteItems'], 'The product’s stock counters are read: a condition cannot compare on hand − reserved with the delta, and the adjustment record and the answer carry the counters after it; counters and record in one transaction conditioned on them.'),
  listStockAdjustments: same(['Query'], 'One Query page of the product’s adjustments.'),
  partnerListProducts: same(['Query'], 'One Query page of active products.'),
  // audit
  listAuditEntries: same(['Query'], 'One Query page of the entity’s chain (audit table).'),
  verifyAuditChain: same(
    ['Query'],
    'One strongly consistent Query newest first: the chain head (it sorts after every entry, so it is read first) and up to 200 entries. A longer chain is then paged from its start; a head ahead of the entries read reads on past the last one before it reports a cut-off end.',
  ),
  // approvals
  getApprovalPolicy: same(['GetItem'], 'The policy is one item (the defaults when absent).'),
  putApprovalPolicy: same(['UpdateItem'], 'One UpdateItem, with or without If-Match (then conditioned on that version); the new version comes back with it.'),
  listApprovals: same(['Query'], 'One Query page of the status index.'),
  getApproval: same(['GetItem'], 'An approval with its steps is one item.'),
  approveApproval: same(['GetItem', 'PutItem'], 'The approval is read (four eyes, current step, its role); one conditional put, which returns the workflow’s task token if it already waits at the step; the workflow resumes outside the request.'),
  rejectApproval: same(['GetItem', 'PutItem'], 'As approve.'),
  // orders
  createCustomer: same(['PutItem'], 'One conditional put.'),
  listCustomers: same(['Query'], 'One Query page.'),
  getCustomer: same(['GetItem'], 'A customer is one item.'),
  updateCustomer: same(['UpdateItem'], 'One conditional update.'),
  deleteCustomer: same(['UpdateItem'], 'Soft delete: one conditional update.'),
  restoreCustomer: same(['UpdateItem'], 'One conditional update.'),
  linkCustomerPartner: same(
    ['TransactWriteItems'],
    'The link item (customer, partner) with checks that the customer is live and the partner exists, in one transaction; linking again is answered from the live link DynamoDB returns on the failed condition.',
  ),
  unlinkCustomerPartner: same(['UpdateItem'], 'One conditional update marking the live link deleted, stamped with who unlinked it.'),
  listCustomerOrders: same(['Query'], 'One Query page of the customer’s orders index.'),
  createOrder: same(['TransactWriteItems'], 'Order, history, stock reservations (each conditioned on the version of the product snapshot it was priced from), customer check and idempotency key in one transaction; a container that has no snapshot of a product reads it first (BatchGetItem).'),
  listOrders: same(['Query'], 'One Query page of the status (or customer, partner) index.'),
  getOrder: same(['GetItem'], 'An order with its lines is one item.'),
  getOrderHistory: same(['GetItem'], 'One item: the history is embedded in the order.'),
  fulfilOrder: same(['UpdateItem'], 'No read: one conditional UpdateItem (paid, the only source state, and If-Match) moves the order, appends its history entry and returns the order; the order returned on a failed condition says 404, 412 or 409.'),
  cancelOrder: same(['GetItem', 'TransactWriteItems'], 'The order is read (state, reserved lines): one release per line, which only the order names; state (with its history entry) and released stock in one transaction.'),
  completeOrder: same(['UpdateItem'], 'No read: as fulfilOrder, from delivered.'),
  partnerCreateCustomer: same(['TransactWriteItems'], 'The customer, the partner’s link to them and the idempotency key in one transaction.'),
  partnerGetCustomer: same(['BatchGetItem'], 'The customer and the partner’s link to them by key in one strongly consistent BatchGetItem; either absent (or deleted) is 404.'),
  partnerCreateOrder: same(
    ['TransactWriteItems'],
    'As createOrder, without the authorization read. The partner’s right to order for the customer is one more ConditionCheck (the link item) inside the same transaction: no extra request.',
  ),
  partnerListOrders: same(
    ['Query'],
    'One Query page: the partner’s orders by creation (gsi3), or with updatedSince by update time (sparse gsi4, a key range); status is a FilterExpression on that Query (short pages, none skipped).',
  ),
  partnerGetOrder: same(['GetItem'], 'One item; ownership is checked on it.'),
  // finance
  createPayment: same(['TransactWriteItems'], 'No read: one transaction conditioned on the order’s state, currency and outstanding amount as the payment that settles it (the usual case); a partial payment costs a second transaction, after the order returned by the first says its balance is larger.'),
  createRefund: same(['TransactWriteItems'], 'No read: conditions on the order, and a check of the approval policy version this container decided on (read once per container), sit inside the one transaction.'),
  listLedgerAccounts: same(['Query'], 'One Query page.'),
  listLedgerEntries: same(['Query'], 'One Query page of the account’s entries.'),
  getTrialBalance: same(['Query'], 'Account balances of one currency, or of every currency (without currency), are one Query.'),
  // logistics
  createShipment: same(['GetItem', 'TransactWriteItems'], 'The order is read (reserved lines, state); shipment, stock, order state and carrier check in one transaction.'),
  getShipment: same(['Query'], 'The shipment and its tracking events share a partition: one Query.'),
  createTrackingEvent: same(
    ['TransactWriteItems'],
    'Event and shipment status in one transaction, conditioned on the shipment (exists, not delivered; the item returned on a failed condition tells 404 from 409). A delivered event first reads the shipment for the order it moves (GetItem), whose move and history join the transaction.',
  ),
  partnerListOrderShipments: same(
    ['GetItem', 'Query'],
    'The order is read (its owner, and the shipment it names: only the order links the two); then the shipment and its events, which share a partition, in one Query. An order not shipped yet: the GetItem only.',
  ),
  partnerCreateTrackingEvent: same(['TransactWriteItems'], 'As createTrackingEvent (the condition also requires the calling partner as carrier; another carrier’s shipment is 404), without the authorization read.'),
  // support
  createTicket: same(['TransactWriteItems'], 'Ticket (first history entry embedded, in the due-time list while active), customer check and idempotency key in one transaction (a linked order is read first: GetItem).'),
  listTickets: same(['Query'], 'One Query page of the list’s index (status, customer, assignee or due time).'),
  getTicket: same(['GetItem'], 'A ticket is one item.'),
  getTicketHistory: same(['GetItem'], 'One item: the history is embedded in the ticket.'),
  assignTicket: same(['GetItem', 'GetItem', 'TransactWriteItems'], 'The assignee’s record (active, role grants; custom roles add a BatchGetItem) and the ticket are read; the ticket (written whole over the version read, the answer) and an active-staff check, re-checked at commit, in one transaction, which returns no item.'),
  startTicket: same(['UpdateItem'], 'No read: one conditional UpdateItem (source state and If-Match) moves the ticket, appends its history entry and returns it; the ticket returned on a failed condition says 404, 412 or 409.'),
  resolveTicket: same(['UpdateItem'], 'As startTicket; leaving the active states drops its assignee and due-time list keys in the same update.'),
  closeTicket: same(['UpdateItem'], 'As startTicket.'),
  reopenTicket: same(['GetItem', 'TransactWriteItems'], 'The ticket is read: its new due time depends on its priority (the SLA), and its target on whether it has an assignee; the ticket is written whole over the version read.'),
  createTicketComment: same(['TransactWriteItems'], 'The comment and a check that the ticket exists and is not closed, in one transaction.'),
  listTicketComments: same(['Query'], 'One Query page of the ticket’s comment items.'),
  partnerCreateTicket: same(['TransactWriteItems'], 'As createTicket, without the authorization read.'),
  // exports
  createExport: same(['PutItem'], 'The queued job is one conditional put; the worker runs it from the table stream.'),
  getExport: same(['GetItem'], 'A job is one item (the download URL is signed locally, no request).'),
  listExports: same(['Query'], "One Query page of the requester's (gsi1) or every job (gsi2) index."),
  // analytics
  getDailyMetrics: same(['Query'], 'Every day of the range is one small item in one partition: one Query.'),
  // content
  createContent: same(['TransactWriteItems'], 'The piece, its first version and its slug claim in one transaction.'),
  listContent: same(['Query'], 'One Query page of the status (or all-content) index.'),
  getContent: same(['GetItem'], 'A piece (latest version and published copy) is one item.'),
  updateContent: same(['GetItem', 'TransactWriteItems'], 'The piece is read (state, version number): the new version item is keyed by the next number, and the answer is the whole piece, which a transaction does not return; version item and piece in one transaction.'),
  listContentVersions: same(['Query'], 'One Query page of the piece’s version items.'),
  submitContent: same(['GetItem', 'GetItem', 'TransactWriteItems'], 'The piece and the approval policy are read; the approval and the piece in review in one transaction; the workflow starts outside the table.'),
  unpublishContent: same(
    ['UpdateItem'],
    'One conditional update drops the published copy (→ draft); the piece returned on a failed condition says 404, 412 or 409. A piece in review keeps its status: a second update, conditioned on that state at the version the first returned.',
  ),
  partnerListContent: same(['Query'], 'One Query page of the sparse published index.'),
  partnerGetContent: same(['Query'], 'The published index by slug: one Query of an exact sort-key range.'),
  // webhooks
  partnerCreateWebhook: same(['GetItem', 'Query', 'PutItem'], 'The partner is read (its scopes decide the event types it may receive), its endpoints counted (one Query), the endpoint put.'),
  partnerListWebhooks: same(['Query'], 'One Query page of the partner’s endpoint index.'),
  partnerGetWebhook: same(['GetItem'], 'An endpoint is one item.'),
  partnerUpdateWebhook: same(['UpdateItem'], 'One conditional update (owner, live, version); a new URL or event types also read the partner’s scopes.'),
  partnerDeleteWebhook: same(['UpdateItem'], 'Soft delete: one conditional update that also takes it off the index.'),
  partnerRotateWebhookSecret: same(['GetItem', 'UpdateItem'], 'The endpoint is read: the current secret moves to the overlap beside the new one; one conditional update at the version read.'),
  partnerListWebhookDeliveries: same(['GetItem', 'Query'], 'The endpoint is read (it must be the caller’s: deliveries are keyed by endpoint only), then one Query page of its deliveries.'),
  partnerReplayWebhook: same(['GetItem', 'Query'], 'The endpoint is read (owner, enabled); the failed deliveries since the time are one Query page, each reopened by a conditional update (none in this scenario).'),
  partnerListEvents: same(['Query'], 'The feed is the partner’s partition sorted by event: one Query after the cursor.'),
  listPartnerWebhooks: same(['Query'], 'One Query page of the partner’s endpoint index.'),
  getPartnerWebhook: same(['GetItem'], 'An endpoint is one item.'),
  createPartnerWebhook: same(['GetItem', 'Query', 'PutItem'], 'As partnerCreateWebhook.'),
  updatePartnerWebhook: same(['UpdateItem'], 'As partnerUpdateWebhook.'),
  deletePartnerWebhook: same(['UpdateItem'], 'As partnerDeleteWebhook.'),
  listPartnerWebhookDeliveries: same(['GetItem', 'Query'], 'As partnerListWebhookDeliveries.'),
};

/** The requests a route's call makes, with the authorization read first on the admin API. */
export function withAuth(api: ApiName, requests: readonly string[]): string[] {
  return api === 'admin' ? [AUTH, ...requests] : [...requests];
}
