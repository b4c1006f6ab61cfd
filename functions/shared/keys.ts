/**
 * Key builders, one per access pattern of the single table (DESIGN §4). Nothing else
 * concatenates key strings.
 */
export type EntityType = 'product' | 'staff' | 'role' | 'partner' | 'partner_key' | 'unique';

export interface PrimaryKey {
  pk: string;
  sk: string;
}

/** Index names of the single table, shared by the CDK construct, local tables and repositories. */
export const GSI1 = 'gsi1' as const;
export const GSI2 = 'gsi2' as const;

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
};

export const staffKeys = {
  byId: (id: string): PrimaryKey => ({ pk: `STAFF#${id}`, sk: 'STAFF' }),
  all: (createdAt: string, id: string) => ({ gsi2pk: 'STAFF', gsi2sk: `${createdAt}#${id}` }),
  allPartition: () => 'STAFF',
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

export const apiKeyKeys = {
  byId: (keyId: string): PrimaryKey => ({ pk: `PARTNER_KEY#${keyId}`, sk: 'PARTNER_KEY' }),
  ofPartner: (partnerId: string, createdAt: string, keyId: string) => ({
    gsi1pk: `PARTNER_KEYS#${partnerId}`,
    gsi1sk: `${createdAt}#${keyId}`,
  }),
  ofPartnerPartition: (partnerId: string) => `PARTNER_KEYS#${partnerId}`,
};

/**
 * Keys of the audit table (`AuditLog`, DESIGN §8), which has its own key space: the entries of one
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
