/**
 * Key builders, one per access pattern of the single table (docs/architecture.md#data). Nothing else
 * concatenates key strings.
 */
export interface PrimaryKey {
  pk: string;
  sk: string;
}

/** Index names of the single table, shared by the CDK construct, local tables and repositories. */
export const GSI1 = 'gsi1' as const;
export const GSI2 = 'gsi2' as const;
/** Sparse: only items that belong to a partner (their orders) carry gsi3 keys. */
export const GSI3 = 'gsi3' as const;
/**
 * Sparse: only active tickets (the due-time list) and partner orders (each partner's orders by
 * update time) carry gsi4 keys.
 */
export const GSI4 = 'gsi4' as const;

/** Live items sort before deleted ones within a list partition, so one Query serves both views. */
export const LIVE = 'LIVE';
export const DELETED = 'DELETED';
type Liveness = typeof LIVE | typeof DELETED;

export const productKeys = {
  byId: (id: string): PrimaryKey => ({ pk: `PRODUCT#${id}`, sk: 'PRODUCT' }),
  /** gsi1: products of one status, newest first. */
  byStatus: (status: string, liveness: Liveness, id: string) => ({
    gsi1pk: `PRODUCT_STATUS#${status}`,
    gsi1sk: `${liveness}#${id}`,
  }),
  byStatusPartition: (status: string) => `PRODUCT_STATUS#${status}`,
  /** gsi2: every product, newest first (ULIDs sort by creation time). */
  all: (liveness: Liveness, id: string) => ({
    gsi2pk: 'PRODUCTS',
    gsi2sk: `${liveness}#${id}`,
  }),
  allPartition: () => 'PRODUCTS',
  liveSortPrefix: () => `${LIVE}#`,
  sortKeyOf: (liveness: Liveness, id: string) => `${liveness}#${id}`,
};

export const uniqueKeys = {
  sku: (sku: string): PrimaryKey => ({ pk: `UNIQUE#SKU#${sku.toUpperCase()}`, sk: 'UNIQUE' }),
  staffEmail: (email: string): PrimaryKey => ({ pk: `UNIQUE#EMAIL#${email.toLowerCase()}`, sk: 'UNIQUE' }),
  contentSlug: (slug: string): PrimaryKey => ({ pk: `UNIQUE#SLUG#${slug.toLowerCase()}`, sk: 'UNIQUE' }),
};

/** A range of index sort keys: `lower <= sk <= upper` (one BETWEEN in the key condition). */
export interface SortRange {
  lower: string;
  upper: string;
}

/**
 * Sorts after every character of a ULID and of an ISO timestamp, so `<prefix><to>#~` bounds every
 * `<prefix><at>#<id>` key with `at <= to`.
 */
const AFTER_ALL = '~';

/**
 * The sort-key range of items keyed `<prefix><at>#<id>` whose `at` lies in [from, to] (both inclusive,
 * normalized ISO 8601 UTC timestamps, either side optional).
 */
function timeRange(prefix: string, from: string | undefined, to: string | undefined): SortRange {
  return { lower: prefix + (from ?? ''), upper: prefix + (to === undefined ? AFTER_ALL : `${to}#${AFTER_ALL}`) };
}

/** Stock adjustments live in their product's partition, in creation order (ULIDs). */
export const stockKeys = {
  adjustment: (productId: string, adjustmentId: string): PrimaryKey => ({ pk: `PRODUCT#${productId}`, sk: `ADJUSTMENT#${adjustmentId}` }),
  productPartition: (productId: string) => productKeys.byId(productId).pk,
  adjustmentPrefix: () => 'ADJUSTMENT#',
};

export const customerKeys = {
  byId: (id: string): PrimaryKey => ({ pk: `CUSTOMER#${id}`, sk: 'CUSTOMER' }),
  /** gsi1: every customer, newest first; deleted ones sort after the live ones. */
  all: (liveness: Liveness, id: string) => ({ gsi1pk: 'CUSTOMERS', gsi1sk: `${liveness}#${id}` }),
  allPartition: () => 'CUSTOMERS',
  liveSortPrefix: () => `${LIVE}#`,
  sortKeyOf: (liveness: Liveness, id: string) => `${liveness}#${id}`,
  /**
   * A partner may act for the customer (place orders for them): one item per (customer, partner) in
   * the customer's partition, so placing an order checks it with a ConditionCheck by key.
   */
  partnerLink: (customerId: string, partnerId: string): PrimaryKey => ({ pk: `CUSTOMER#${customerId}`, sk: `PARTNER#${partnerId}` }),
};

/**
 * An order is one item (lines and history embedded) plus, in its partition, its payments and
 * refunds. Lists: by status (gsi1), by customer (gsi2) and by partner (gsi3, sparse), each newest
 * first with an optional creation-time range; and a partner's orders by update time (gsi4, sparse).
 */
export const orderKeys = {
  byId: (id: string): PrimaryKey => ({ pk: `ORDER#${id}`, sk: 'ORDER' }),
  byStatus: (status: string, createdAt: string, id: string) => ({ gsi1pk: `ORDER_STATUS#${status}`, gsi1sk: `${createdAt}#${id}` }),
  byStatusPartition: (status: string) => `ORDER_STATUS#${status}`,
  byStatusRange: (from?: string, to?: string) => timeRange('', from, to),
  byCustomer: (customerId: string, createdAt: string, id: string) => ({
    gsi2pk: `CUSTOMER#${customerId}`,
    gsi2sk: `ORDER#${createdAt}#${id}`,
  }),
  byCustomerPartition: (customerId: string) => `CUSTOMER#${customerId}`,
  byPartner: (partnerId: string, createdAt: string, id: string) => ({
    gsi3pk: `PARTNER#${partnerId}`,
    gsi3sk: `ORDER#${createdAt}#${id}`,
  }),
  byPartnerPartition: (partnerId: string) => `PARTNER#${partnerId}`,
  /**
   * gsi4 (sparse): a partner's orders by the time of their last change, oldest change first. Only
   * partner orders carry `gsi4pk`; every write of an order sets `gsi4sk` (see `updatedSortKey`).
   */
  byPartnerUpdated: (partnerId: string, updatedAt: string, id: string) => ({
    gsi4pk: `PARTNER_ORDERS#${partnerId}`,
    gsi4sk: `${updatedAt}#${id}`,
  }),
  byPartnerUpdatedPartition: (partnerId: string) => `PARTNER_ORDERS#${partnerId}`,
  /** The gsi4 sort key an order's write sets (harmless on an order without a partner: no gsi4pk, not indexed). */
  updatedSortKey: (updatedAt: string, id: string) => ({ gsi4sk: `${updatedAt}#${id}` }),
  /** Changed at or after `since` (inclusive; a normalized ISO 8601 UTC timestamp). */
  updatedSinceRange: (since: string) => timeRange('', since, undefined),
  /** Range within a customer's or partner's list (their sort keys start with `ORDER#`). */
  ownedRange: (from?: string, to?: string) => timeRange('ORDER#', from, to),
  payment: (orderId: string, paymentId: string): PrimaryKey => ({ pk: `ORDER#${orderId}`, sk: `PAYMENT#${paymentId}` }),
  refund: (orderId: string, refundId: string): PrimaryKey => ({ pk: `ORDER#${orderId}`, sk: `REFUND#${refundId}` }),
};

/**
 * Double-entry ledger: entries in their account's partition, sorted by time; one running
 * balance item per account and currency, all of them in one gsi1 partition so a trial balance is
 * one Query.
 */
export const ledgerKeys = {
  entry: (code: string, at: string, entryId: string): PrimaryKey => ({ pk: `ACCOUNT#${code}`, sk: `ENTRY#${at}#${entryId}` }),
  accountPartition: (code: string) => `ACCOUNT#${code}`,
  entryPrefix: () => 'ENTRY#',
  balance: (code: string, currency: string): PrimaryKey => ({ pk: `ACCOUNT#${code}`, sk: `BALANCE#${currency}` }),
  balanceIndex: (code: string, currency: string) => ({ gsi1pk: 'LEDGER_BALANCES', gsi1sk: `${currency}#${code}` }),
  balancesPartition: () => 'LEDGER_BALANCES',
  balancesOfCurrencyPrefix: (currency: string) => `${currency}#`,
};

/** A shipment and its tracking events share a partition: one Query reads both. */
export const shipmentKeys = {
  byId: (id: string): PrimaryKey => ({ pk: `SHIPMENT#${id}`, sk: 'SHIPMENT' }),
  partition: (id: string) => `SHIPMENT#${id}`,
  event: (shipmentId: string, at: string, eventId: string): PrimaryKey => ({ pk: `SHIPMENT#${shipmentId}`, sk: `EVENT#${at}#${eventId}` }),
};

/**
 * Support tickets (docs/architecture.md#modules). A ticket is one item; its history events and comments live in its
 * partition. Lists, each one Query:
 * - by status (gsi1, earliest SLA due time first); "unassigned" is the `open` status (an open ticket
 *   never has an assignee, every other active state has one);
 * - by customer (gsi2, the customer's partition shared with their orders, `TICKET#` prefix, newest first);
 * - by assignee (gsi3, earliest due first): "my tickets";
 * - overdue: while a ticket is active (open, assigned, in_progress) it carries gsi4 keys, one partition
 *   sorted by due time, so "overdue" is the range below now.
 * Its history is embedded in the ticket item.
 */
export const ticketKeys = {
  byId: (id: string): PrimaryKey => ({ pk: `TICKET#${id}`, sk: 'TICKET' }),
  partition: (id: string) => `TICKET#${id}`,
  byStatus: (status: string, dueAt: string, id: string) => ({ gsi1pk: `TICKET_STATUS#${status}`, gsi1sk: `${dueAt}#${id}` }),
  byStatusPartition: (status: string) => `TICKET_STATUS#${status}`,
  byCustomer: (customerId: string, createdAt: string, id: string) => ({ gsi2pk: `CUSTOMER#${customerId}`, gsi2sk: `TICKET#${createdAt}#${id}` }),
  byCustomerPartition: (customerId: string) => `CUSTOMER#${customerId}`,
  customerSortPrefix: () => 'TICKET#',
  byAssignee: (staffId: string, dueAt: string, id: string) => ({ gsi3pk: `TICKET_ASSIGNEE#${staffId}`, gsi3sk: `${dueAt}#${id}` }),
  byAssigneePartition: (staffId: string) => `TICKET_ASSIGNEE#${staffId}`,
  /** An active ticket's place in the due-time list. */
  byDue: (dueAt: string, id: string) => ({ gsi4pk: 'TICKETS_DUE', gsi4sk: `${dueAt}#${id}` }),
  duePartition: () => 'TICKETS_DUE',
  /** Due strictly before `at`: every `<dueAt>#<id>` with dueAt < at (an ISO timestamp). */
  dueBefore: (at: string): SortRange => ({ lower: '0', upper: at }),
  comment: (ticketId: string, at: string, commentId: string): PrimaryKey => ({ pk: `TICKET#${ticketId}`, sk: `COMMENT#${at}#${commentId}` }),
  commentPrefix: () => 'COMMENT#',
};

/**
 * Content (docs/architecture.md#modules): the piece is one item (latest draft and, while published, a copy of the
 * published version); its immutable versions live in its partition (`VERSION#<zero-padded n>`).
 * gsi1: published pieces by slug (partners' list, and one slug by an exact range); gsi2: pieces by
 * status, newest first; gsi3: every piece, newest first.
 */
const CONTENT_VERSION_DIGITS = 6;
export const contentKeys = {
  byId: (id: string): PrimaryKey => ({ pk: `CONTENT#${id}`, sk: 'CONTENT' }),
  partition: (id: string) => `CONTENT#${id}`,
  published: (slug: string) => ({ gsi1pk: 'CONTENT_PUBLISHED', gsi1sk: slug }),
  publishedPartition: () => 'CONTENT_PUBLISHED',
  publishedSlug: (slug: string): SortRange => ({ lower: slug, upper: slug }),
  byStatus: (status: string, createdAt: string, id: string) => ({ gsi2pk: `CONTENT_STATUS#${status}`, gsi2sk: `${createdAt}#${id}` }),
  byStatusPartition: (status: string) => `CONTENT_STATUS#${status}`,
  all: (createdAt: string, id: string) => ({ gsi3pk: 'CONTENTS', gsi3sk: `${createdAt}#${id}` }),
  allPartition: () => 'CONTENTS',
  version: (contentId: string, n: number): PrimaryKey => ({ pk: `CONTENT#${contentId}`, sk: `VERSION#${String(n).padStart(CONTENT_VERSION_DIGITS, '0')}` }),
  versionPrefix: () => 'VERSION#',
};

/** Idempotency records, per caller (`staff:<id>` / `partner:<id>`) and key. */
export const idempotencyKeys = {
  record: (actor: string, key: string): PrimaryKey => ({ pk: `IDEMPOTENCY#${actor}#${key}`, sk: 'IDEMPOTENCY' }),
};

export const staffKeys = {
  byId: (id: string): PrimaryKey => ({ pk: `STAFF#${id}`, sk: 'STAFF' }),
  all: (createdAt: string, id: string) => ({ gsi2pk: 'STAFF', gsi2sk: `${createdAt}#${id}` }),
  allPartition: () => 'STAFF',
};

/** One-time operations: the marker item exists once the operation ran (first admin of a deployment). */
export const bootstrapKeys = {
  firstAdmin: (): PrimaryKey => ({ pk: 'BOOTSTRAP#admin', sk: 'BOOTSTRAP' }),
};

export const roleKeys = {
  byName: (name: string): PrimaryKey => ({ pk: `ROLE#${name}`, sk: 'ROLE' }),
  all: (name: string) => ({ gsi2pk: 'ROLES', gsi2sk: name }),
  allPartition: () => 'ROLES',
};

export const partnerKeys = {
  byId: (id: string): PrimaryKey => ({ pk: `PARTNER#${id}`, sk: 'PARTNER' }),
  all: (createdAt: string, id: string) => ({ gsi2pk: 'PARTNERS', gsi2sk: `${createdAt}#${id}` }),
  allPartition: () => 'PARTNERS',
};

/**
 * Approvals (docs/architecture.md#approvals). The open step of a pending approval puts it in its role's inbox
 * (gsi1, most urgent first); gsi2 lists approvals by status, grouped by kind, newest first.
 */
export const approvalKeys = {
  byId: (id: string): PrimaryKey => ({ pk: `APPROVAL#${id}`, sk: 'APPROVAL' }),
  inbox: (role: string, dueAt: string, id: string) => ({ gsi1pk: `INBOX#${role}`, gsi1sk: `${dueAt}#${id}` }),
  inboxPartition: (role: string) => `INBOX#${role}`,
  byStatus: (status: string, kind: string, createdAt: string, id: string) => ({
    gsi2pk: `APPROVALS#${status}`,
    gsi2sk: `${kind}#${createdAt}#${id}`,
  }),
  byStatusPartition: (status: string) => `APPROVALS#${status}`,
  kindSortPrefix: (kind: string) => `${kind}#`,
  /** The one approval policy document (all kinds), versioned. */
  policy: (): PrimaryKey => ({ pk: 'APPROVAL_POLICY', sk: 'APPROVAL_POLICY' }),
};

/**
 * Daily metrics (docs/architecture.md#analytics-and-exports): one item per UTC day, all days in one partition, so a date range is one
 * Query (`DAY#<from>` … `DAY#<to>`); every counter is an attribute of the day's item moved by ADD.
 * Each counted stream record leaves a marker keyed by its eventID, so a redelivery counts nothing.
 */
export const metricKeys = {
  day: (date: string): PrimaryKey => ({ pk: 'METRICS#DAILY', sk: `DAY#${date}` }),
  daysPartition: () => 'METRICS#DAILY',
  /** The sort-key range of the days from `from` to `to` (YYYY-MM-DD, both inclusive). */
  dayRange: (from: string, to: string): SortRange => ({ lower: `DAY#${from}`, upper: `DAY#${to}` }),
  /** The date of a day item's sort key. */
  dateOf: (sk: string) => sk.slice('DAY#'.length),
  /** Marks a stream record as counted. */
  event: (eventId: string): PrimaryKey => ({ pk: `METRIC_EVENT#${eventId}`, sk: 'METRIC_EVENT' }),
};

/** A partner's request count of one UTC day (AWS: the authorizer counts, for the RateLimit field). */
export const usageCountKeys = {
  ofDay: (partnerId: string, day: string): PrimaryKey => ({ pk: `USAGE#${partnerId}`, sk: `DAY#${day}` }),
};

export const apiKeyKeys = {
  byId: (keyId: string): PrimaryKey => ({ pk: `PARTNER_KEY#${keyId}`, sk: 'PARTNER_KEY' }),
  ofPartner: (partnerId: string, createdAt: string, keyId: string) => ({
    gsi1pk: `PARTNER_KEYS#${partnerId}`,
    gsi1sk: `${createdAt}#${keyId}`,
  }),
  ofPartnerPartition: (partnerId: string) => `PARTNER_KEYS#${partnerId}`,
  /**
   * The partner item also sits in its keys' gsi1 partition, after every key (`~` sorts after any
   * timestamp), so the newest-first key list starts with the partner: one Query tells an unknown or
   * deleted partner from one without keys.
   */
  partnerHead: (partnerId: string) => ({ gsi1pk: `PARTNER_KEYS#${partnerId}`, gsi1sk: '~PARTNER' }),
};

/**
 * Export jobs (docs/architecture.md#analytics-and-exports): one item per job; gsi1 lists one requester's jobs, gsi2 every job, both
 * newest first (`<createdAt>#<id>`).
 */
export const exportJobKeys = {
  byId: (id: string): PrimaryKey => ({ pk: `EXPORT_JOB#${id}`, sk: 'EXPORT_JOB' }),
  byRequester: (actor: string, createdAt: string, id: string) => ({ gsi1pk: `EXPORT_JOBS#${actor}`, gsi1sk: `${createdAt}#${id}` }),
  byRequesterPartition: (actor: string) => `EXPORT_JOBS#${actor}`,
  all: (createdAt: string, id: string) => ({ gsi2pk: 'EXPORT_JOBS', gsi2sk: `${createdAt}#${id}` }),
  allPartition: () => 'EXPORT_JOBS',
};

/**
 * Partner events (docs/modules/webhooks.md). A partner's endpoints are listed on gsi1, newest first.
 * Every event a partner is entitled to sits in the partner's feed partition, sorted by
 * `<at>#<eventId>` (the change's time, then the id derived from the stream record), so the feed is one
 * Query after a cursor and a redelivered stream record finds its event by key. Each delivery of an
 * event to an endpoint sits in the endpoint's partition under the event's sort key: the delivery
 * log, newest first, is one Query too.
 */
export const webhookKeys = {
  endpoint: (id: string): PrimaryKey => ({ pk: `WEBHOOK#${id}`, sk: 'WEBHOOK' }),
  ofPartner: (partnerId: string, createdAt: string, id: string) => ({ gsi1pk: `PARTNER_WEBHOOKS#${partnerId}`, gsi1sk: `${createdAt}#${id}` }),
  ofPartnerPartition: (partnerId: string) => `PARTNER_WEBHOOKS#${partnerId}`,
  eventSortKey: (at: string, eventId: string) => `${at}#${eventId}`,
  event: (partnerId: string, at: string, eventId: string): PrimaryKey => ({ pk: `PARTNER_EVENTS#${partnerId}`, sk: `${at}#${eventId}` }),
  eventsPartition: (partnerId: string) => `PARTNER_EVENTS#${partnerId}`,
  delivery: (endpointId: string, eventSortKey: string): PrimaryKey => ({ pk: `WEBHOOK_DELIVERIES#${endpointId}`, sk: eventSortKey }),
  deliveriesPartition: (endpointId: string) => `WEBHOOK_DELIVERIES#${endpointId}`,
  /** Sort keys at or after `at` (an ISO time): every event since then. */
  sinceSortKey: (at: string) => at,
};

/**
 * Keys of the audit table (`AuditLog`, docs/architecture.md#audit-log), which has its own key space: the entries of one
 * entity share the partition `<entityType>#<entityId>`, sorted by their zero-padded sequence number;
 * the chain head sits in the same partition (`HEAD` sorts after every number). Stream-event markers
 * (redelivery dedupe) and legal holds have partitions of their own. Only entries carry `actor`, `day`
 * and `at`, so only entries appear in the byActor and byDay indexes.
 */
const AUDIT_SEQ_DIGITS = 12;
export const auditKeys = {
  entityPartition: (entityType: string, entityId: string) => `${entityType}#${entityId}`,
  seqSortKey: (seq: number) => String(seq).padStart(AUDIT_SEQ_DIGITS, '0'),
  /** Sort-key bounds of the entries of a partition (the head is outside them). */
  firstSeqSortKey: () => '1'.padStart(AUDIT_SEQ_DIGITS, '0'),
  lastSeqSortKey: () => '9'.repeat(AUDIT_SEQ_DIGITS),
  entry: (entityType: string, entityId: string, seq: number): PrimaryKey => ({
    pk: auditKeys.entityPartition(entityType, entityId),
    sk: auditKeys.seqSortKey(seq),
  }),
  /** The latest sequence number and hash of an entity's chain. */
  head: (entityType: string, entityId: string): PrimaryKey => ({ pk: auditKeys.entityPartition(entityType, entityId), sk: 'HEAD' }),
  /** Marks a stream record as recorded (its eventID), so a redelivery appends nothing. */
  event: (eventId: string): PrimaryKey => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' }),
  /** A legal hold on one entity, on every entity of a type (`entityId` omitted), or on everything (both omitted). */
  hold: (entityType?: string, entityId?: string): PrimaryKey => ({
    pk: entityType === undefined ? 'HOLD#*' : `HOLD#${entityType}#${entityId ?? '*'}`,
    sk: 'HOLD',
  }),
  /** byDay index partition of a timestamp (UTC date). */
  day: (at: string) => at.slice(0, 10),
};
