import { issueKey, keyRefusal } from '../functions/iam/api-keys';
import { findApiKey, findPartner, insertPartnerWithKey, type PartnerRecord } from '../functions/iam/partner-repository';
import { findStaffIdByEmail, insertStaff } from '../functions/iam/staff-repository';
import { findProduct, findProductIdBySku } from '../functions/catalog/product-repository';
import { createProduct } from '../functions/catalog/products';
import { adjustStock } from '../functions/catalog/stock';
import { queryAdjustments } from '../functions/catalog/stock-repository';
import { insertCustomerIfAbsent, insertPartnerLinkIfAbsent } from '../functions/orders/customer-repository';
import { newPartnerLink } from '../functions/orders/customers';
import type { CreateProductInput } from '../functions/catalog/schemas';
import type { BuiltInRole, Scope } from '../functions/shared/auth/permissions';
import { UniqueValueTaken } from '../functions/shared/conditional';
import { HttpProblem } from '../functions/shared/errors';
import { newId } from '../functions/shared/ids';
import type { WriteContext } from '../functions/shared/write-context';
import { readJsonFile, writeFileAtomic } from './paths';

/**
 * Idempotent demo data (docs/architecture.md#local-runtime): one staff member per built-in role plus a second admin and a
 * second finance member (four-eyes approvals), two partners with keys, a few products with stock, two customers.
 * Imports handler code, so load it only after the runtime has set the environment.
 */
export const DEMO_STAFF: ReadonlyArray<{ email: string; name: string; roles: BuiltInRole[] }> = [
  { email: 'admin@example.com', name: 'Ada Admin', roles: ['admin'] },
  { email: 'ops@example.com', name: 'Oscar Operations', roles: ['operations'] },
  { email: 'finance@example.com', name: 'Fiona Finance', roles: ['finance'] },
  { email: 'support@example.com', name: 'Sam Support', roles: ['support'] },
  { email: 'editor@example.com', name: 'Eddie Editor', roles: ['editor'] },
  { email: 'analyst@example.com', name: 'Ana Analyst', roles: ['analyst'] },
  { email: 'auditor@example.com', name: 'Aude Auditor', roles: ['auditor'] },
  { email: 'admin2@example.com', name: 'Adam Admin', roles: ['admin'] },
  { email: 'finance2@example.com', name: 'Felix Finance', roles: ['finance'] },
];

export const DEMO_PARTNERS: ReadonlyArray<Pick<PartnerRecord, 'name' | 'rateLimit' | 'dailyQuota'> & { scopes: Scope[] }> = [
  {
    name: 'demo-shop',
    scopes: ['catalog:read', 'orders:read', 'orders:write', 'content:read', 'webhooks:manage', 'events:read'],
    rateLimit: { requestsPerSecond: 20, burst: 40 },
    dailyQuota: 50_000,
  },
  { name: 'demo-carrier', scopes: ['shipments:write'], rateLimit: { requestsPerSecond: 20, burst: 40 }, dailyQuota: 50_000 },
];

const eur = (amount: number) => ({ amount, currency: 'EUR' as const });
export const DEMO_PRODUCTS: ReadonlyArray<CreateProductInput> = [
  { sku: 'DEMO-TSHIRT-ORGANIC', name: 'Organic cotton T-shirt', description: 'Unisex, 180 g/m²', price: eur(1_999), status: 'active' },
  { sku: 'DEMO-MUG-ENAMEL', name: 'Enamel camping mug', price: eur(1_250), status: 'active' },
  { sku: 'DEMO-BACKPACK-20L', name: 'Daypack 20 L', description: 'Recycled polyester, water resistant', price: eur(7_900), status: 'active' },
  { sku: 'DEMO-BOTTLE-750', name: 'Insulated bottle 750 ml', price: eur(2_490), status: 'active' },
  { sku: 'DEMO-CAP-WOOL', name: 'Merino wool cap', price: eur(2_900), status: 'draft' },
];

/** Units put on the shelf of every active demo product that has none, so orders work right away. */
export const DEMO_STOCK = 100;

/**
 * Demo customers with fixed ids, so scripts and partners can order for them without looking them up;
 * both are linked to `demo-shop` (DEMO_CUSTOMER_PARTNER), which may therefore order for them.
 */
export const DEMO_CUSTOMERS = [
  { id: '01JDEM0C0000000000000000C1', name: 'Jane Doe', email: 'jane.doe@example.com', phone: '+49 30 1234567' },
  { id: '01JDEM0C0000000000000000C2', name: 'Max Mustermann', email: 'max.mustermann@example.com' },
] as const;

export interface SeededStaff {
  email: string;
  name: string;
  id: string;
  roles: string[];
}

export interface SeedResult {
  staff: SeededStaff[];
  /** Partner name → its demo API key (the secret, kept in `demo-keys.json`). */
  partnerKeys: Record<string, string>;
  partnerIds: Record<string, string>;
  productsCreated: number;
}

type DemoKeys = Record<string, { partnerId: string; keyId: string; key: string }>;

function seedContext(): WriteContext {
  return { actor: 'system:seed', requestId: `seed-${newId()}`, sourceIp: '127.0.0.1', at: new Date().toISOString() };
}

async function seedStaff(): Promise<SeededStaff[]> {
  const seeded: SeededStaff[] = [];
  for (const member of DEMO_STAFF) {
    let id = await findStaffIdByEmail(member.email);
    if (!id) {
      const ctx = seedContext();
      const candidate = newId();
      try {
        await insertStaff({ id: candidate, email: member.email, name: member.name, roles: member.roles, status: 'active', version: 1, createdAt: ctx.at }, [], ctx);
        id = candidate;
      } catch (error) {
        if (!(error instanceof UniqueValueTaken)) throw error;
        id = await findStaffIdByEmail(member.email);
      }
    }
    if (!id) throw new Error(`Could not seed ${member.email}`);
    seeded.push({ email: member.email, name: member.name, id, roles: member.roles });
  }
  return seeded;
}

/**
 * Demo partners and their keys. Only a hash of a key is stored, so the secrets live in
 * `demo-keys.json` next to the data; when that file or the partner is gone, a new partner and key are made.
 */
async function seedPartners(demoKeysFile: string, log: (line: string) => void): Promise<Pick<SeedResult, 'partnerKeys' | 'partnerIds'>> {
  const stored = readJsonFile<DemoKeys>(demoKeysFile) ?? {};
  const partnerKeys: Record<string, string> = {};
  const partnerIds: Record<string, string> = {};
  const now = new Date();
  for (const demo of DEMO_PARTNERS) {
    const known = stored[demo.name];
    if (known) {
      const [partner, key] = await Promise.all([findPartner(known.partnerId), findApiKey(known.keyId)]);
      if (partner && key && !keyRefusal(key, now)) {
        partnerKeys[demo.name] = known.key;
        partnerIds[demo.name] = known.partnerId;
        continue;
      }
      if (partner) log(`The demo key of ${demo.name} no longer works; creating a fresh ${demo.name} partner.`);
    }
    const ctx = seedContext();
    const issued = issueKey();
    const partnerId = newId();
    await insertPartnerWithKey(
      { id: partnerId, name: demo.name, scopes: demo.scopes, tier: 'standard', status: 'active', rateLimit: demo.rateLimit, dailyQuota: demo.dailyQuota, createdAt: ctx.at, version: 1 },
      { keyId: issued.keyId, partnerId, prefix: issued.prefix, secretHash: issued.secretHash, scopes: demo.scopes, createdAt: ctx.at },
      ctx,
    );
    stored[demo.name] = { partnerId, keyId: issued.keyId, key: issued.key };
    writeFileAtomic(demoKeysFile, JSON.stringify(stored, null, 2));
    partnerKeys[demo.name] = issued.key;
    partnerIds[demo.name] = partnerId;
  }
  return { partnerKeys, partnerIds };
}

async function seedProducts(): Promise<number> {
  let created = 0;
  for (const product of DEMO_PRODUCTS) {
    let id: string | undefined;
    try {
      id = (await createProduct(product, seedContext())).id;
      created += 1;
    } catch (error) {
      // Already seeded (the SKU is taken): only the stock may still be missing.
      if (!(error instanceof HttpProblem && error.status === 409)) throw error;
      id = await findProductIdBySku(product.sku);
    }
    await seedStock(id);
  }
  return created;
}

/** Demo stock on an active demo product that has never had any (data kept from before inventory existed too). */
async function seedStock(productId: string | undefined): Promise<void> {
  const product = productId ? await findProduct(productId) : undefined;
  if (!product || product.status !== 'active' || product.deletedAt) return;
  if ((await queryAdjustments(product.id, 1)).items.length > 0) return;
  await adjustStock(product.id, { delta: DEMO_STOCK, reason: 'Demo stock' }, seedContext());
}

/** The demo partner the demo customers are linked to. */
export const DEMO_CUSTOMER_PARTNER = 'demo-shop';

async function seedCustomers(partnerIds: Record<string, string>): Promise<void> {
  const partnerId = partnerIds[DEMO_CUSTOMER_PARTNER];
  for (const customer of DEMO_CUSTOMERS) {
    const ctx = seedContext();
    await insertCustomerIfAbsent({ ...customer, version: 1, createdAt: ctx.at, updatedAt: ctx.at, updatedBy: ctx.actor }, ctx);
    if (partnerId === undefined) continue;
    await insertPartnerLinkIfAbsent(newPartnerLink(customer.id, partnerId, 'linked', ctx));
  }
}

export async function seedDemoData(options: { demoKeysFile: string; log?: (line: string) => void }): Promise<SeedResult> {
  const log = options.log ?? (() => undefined);
  const staff = await seedStaff();
  const partners = await seedPartners(options.demoKeysFile, log);
  const productsCreated = await seedProducts();
  await seedCustomers(partners.partnerIds);
  return { staff, ...partners, productsCreated };
}
