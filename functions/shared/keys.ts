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
