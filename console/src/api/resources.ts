import type { AdminClient, Schemas } from './client';
import { ifMatch, sendOnce } from './client';
import { unwrap, unwrapWithStatus } from './call';
import type { paths } from './schema';

/** A row as react-admin holds it: every resource gets an `id` (roles by name, accounts by code, audit entries by seq). */
export type Row = Record<string, unknown> & { id: string | number; version?: number };
export interface Page {
  items: Row[];
  nextCursor?: string | null;
}
/** A change the API made (200/201), or accepted for approval (202). */
export type Outcome = { row: Row } | { approval: Schemas['Approval'] };

type Query<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never;
type Body<P extends keyof paths, M extends 'post' | 'patch' | 'put'> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/** How one react-admin resource maps onto admin API operations. Absent operations are not offered. */
export interface ResourceApi {
  list?(query: Record<string, unknown>, filter: Record<string, unknown>): Promise<Page>;
  one?(id: string): Promise<Row>;
  create?(body: Record<string, unknown>): Promise<Outcome>;
  /** `changes` holds only the fields the person changed (PATCH), or the whole document (PUT). */
  update?(id: string, changes: Record<string, unknown>, previous: Row): Promise<Outcome>;
  remove?(id: string, previous: Row): Promise<void>;
  /** Fields a form may send; everything else on a record is read-only. */
  writable?: string[];
  /** PUT replaces the whole document: send every writable field, not only the changed ones. */
  replace?: boolean;
  /** Filters that select another API list (e.g. a status index) and need no other filter. */
  filters?: string[];
}

const withId = <T extends object>(row: T, id: string | number): Row => ({ ...row, id }) as Row;
const rows = <T extends { id: string }>(page: { items: T[]; nextCursor?: string | null }): Page => ({
  items: page.items.map((item) => withId(item, item.id)),
  nextCursor: page.nextCursor,
});
const outcome = ({ status, body }: { status: number; body: unknown }): Outcome =>
  status === 202 ? { approval: (body as Schemas['ApprovalAccepted']).approval } : { row: withId(body as object, (body as Row).id) };

const need = (filter: Record<string, unknown>, name: string): string => {
  const value = filter[name];
  if (typeof value !== 'string' || value === '') throw new Error(`${name} is required`);
  return value;
};

export function resourceApis(api: AdminClient): Record<string, ResourceApi> {
  return {
    products: {
      writable: ['sku', 'name', 'description', 'price', 'status'],
      filters: ['status', 'includeDeleted'],
      list: async (query) => rows(await unwrap(api.GET('/products', { params: { query: query as Query<'/products'> } }))),
      one: async (id) => withId(await unwrap(api.GET('/products/{id}', { params: { path: { id } } })), id),
      create: async (body) => outcome(await unwrapWithStatus(api.POST('/products', { body: body as Body<'/products', 'post'> }))),
      update: async (id, changes, previous) =>
        outcome(
          await unwrapWithStatus(
            api.PATCH('/products/{id}', { params: { path: { id }, header: ifMatch(previous.version) }, body: changes as Body<'/products/{id}', 'patch'> }),
          ),
        ),
      remove: async (id, previous) => {
        await unwrap(api.DELETE('/products/{id}', { params: { path: { id }, header: ifMatch(previous.version) } }));
      },
    },
    'stock-adjustments': {
      writable: ['delta', 'reason'],
      list: async (query, filter) =>
        rows(await unwrap(api.GET('/products/{id}/stock-adjustments', { params: { path: { id: need(filter, 'productId') }, query } }))),
      create: async ({ productId, ...body }) =>
        outcome(
          await unwrapWithStatus(
            api.POST('/products/{id}/stock-adjustments', {
              params: { path: { id: String(productId) } },
              body: body as Body<'/products/{id}/stock-adjustments', 'post'>,
            }),
          ),
        ),
    },
    customers: {
      writable: ['name', 'email', 'phone'],
      filters: ['includeDeleted'],
      list: async (query) => rows(await unwrap(api.GET('/customers', { params: { query: query as Query<'/customers'> } }))),
      one: async (id) => withId(await unwrap(api.GET('/customers/{id}', { params: { path: { id } } })), id),
      create: async (body) => outcome(await unwrapWithStatus(api.POST('/customers', { body: body as Body<'/customers', 'post'> }))),
      update: async (id, changes, previous) =>
        outcome(
          await unwrapWithStatus(
            api.PATCH('/customers/{id}', { params: { path: { id }, header: ifMatch(previous.version) }, body: changes as Body<'/customers/{id}', 'patch'> }),
          ),
        ),
      remove: async (id, previous) => {
        await unwrap(api.DELETE('/customers/{id}', { params: { path: { id }, header: ifMatch(previous.version) } }));
      },
    },
    orders: {
      writable: ['customerId', 'lines'],
      filters: ['status', 'customerId', 'partnerId'],
      list: async (query) => rows(await unwrap(api.GET('/orders', { params: { query: query as Query<'/orders'> } }))),
      one: async (id) => withId(await unwrap(api.GET('/orders/{id}', { params: { path: { id } } })), id),
      create: (body) =>
        sendOnce('createOrder', body, async (key) =>
          outcome(await unwrapWithStatus(api.POST('/orders', { params: { header: { 'Idempotency-Key': key } }, body: body as Body<'/orders', 'post'> }))),
        ),
    },
    shipments: {
      one: async (id) => withId(await unwrap(api.GET('/shipments/{id}', { params: { path: { id } } })), id),
    },
    approvals: {
      filters: ['status', 'kind', 'mine'],
      list: async (query) => rows(await unwrap(api.GET('/approvals', { params: { query: query as Query<'/approvals'> } }))),
      one: async (id) => withId(await unwrap(api.GET('/approvals/{id}', { params: { path: { id } } })), id),
    },
    tickets: {
      writable: ['subject', 'description', 'customerId', 'orderId', 'priority'],
      filters: ['list', 'status', 'customerId'],
      list: async (query) => rows(await unwrap(api.GET('/tickets', { params: { query: query as Query<'/tickets'> } }))),
      one: async (id) => withId(await unwrap(api.GET('/tickets/{id}', { params: { path: { id } } })), id),
      create: (body) =>
        sendOnce('createTicket', body, async (key) =>
          outcome(await unwrapWithStatus(api.POST('/tickets', { params: { header: { 'Idempotency-Key': key } }, body: body as Body<'/tickets', 'post'> }))),
        ),
    },
    'ticket-comments': {
      writable: ['body', 'visibility'],
      list: async (query, filter) => rows(await unwrap(api.GET('/tickets/{id}/comments', { params: { path: { id: need(filter, 'ticketId') }, query } }))),
      create: async ({ ticketId, ...body }) =>
        outcome(
          await unwrapWithStatus(
            api.POST('/tickets/{id}/comments', { params: { path: { id: String(ticketId) } }, body: body as Body<'/tickets/{id}/comments', 'post'> }),
          ),
        ),
    },
    content: {
      writable: ['title', 'body', 'slug'],
      filters: ['status'],
      list: async (query) => rows(await unwrap(api.GET('/content', { params: { query: query as Query<'/content'> } }))),
      one: async (id) => withId(await unwrap(api.GET('/content/{id}', { params: { path: { id } } })), id),
      create: async (body) => outcome(await unwrapWithStatus(api.POST('/content', { body: body as Body<'/content', 'post'> }))),
      replace: true,
      update: async (id, changes, previous) =>
        outcome(
          await unwrapWithStatus(
            api.PUT('/content/{id}', {
              params: { path: { id }, header: ifMatch(previous.version) },
              body: { title: changes.title, body: changes.body } as Body<'/content/{id}', 'put'>,
            }),
          ),
        ),
    },
    'content-versions': {
      list: async (query, filter) => {
        const page = await unwrap(api.GET('/content/{id}/versions', { params: { path: { id: need(filter, 'contentId') }, query } }));
        return { items: page.items.map((version) => withId(version, version.number)), nextCursor: page.nextCursor };
      },
    },
    partners: {
      writable: ['name', 'scopes', 'tier', 'rateLimit', 'dailyQuota', 'status'],
      list: async (query) => rows(await unwrap(api.GET('/partners', { params: { query } }))),
      one: async (id) => withId(await unwrap(api.GET('/partners/{id}', { params: { path: { id } } })), id),
      create: async (body) => outcome(await unwrapWithStatus(api.POST('/partners', { body: body as Body<'/partners', 'post'> }))),
      update: async (id, changes, previous) =>
        outcome(
          await unwrapWithStatus(
            api.PATCH('/partners/{id}', { params: { path: { id }, header: ifMatch(previous.version) }, body: changes as Body<'/partners/{id}', 'patch'> }),
          ),
        ),
      remove: async (id, previous) => {
        await unwrap(api.DELETE('/partners/{id}', { params: { path: { id }, header: ifMatch(previous.version) } }));
      },
    },
    'partner-keys': {
      list: async (query, filter) => rows(await unwrap(api.GET('/partners/{id}/keys', { params: { path: { id: need(filter, 'partnerId') }, query } }))),
    },
    // Read-only here: the screens change an endpoint with their own command (enable/disable with If-Match).
    'partner-webhooks': {
      list: async (query, filter) => {
        const partnerId = need(filter, 'partnerId');
        const page = rows(await unwrap(api.GET('/partners/{id}/webhooks', { params: { path: { id: partnerId }, query } })));
        // Endpoints do not name their partner; the commands of a row need it.
        return { items: page.items.map((item) => ({ ...item, partnerId })), nextCursor: page.nextCursor };
      },
    },
    'webhook-deliveries': {
      list: async (query, filter) => {
        const page = await unwrap(
          api.GET('/partners/{id}/webhooks/{webhookId}/deliveries', { params: { path: { id: need(filter, 'partnerId'), webhookId: need(filter, 'webhookId') }, query } }),
        );
        return { items: page.items.map((delivery) => withId(delivery, delivery.eventId)), nextCursor: page.nextCursor };
      },
    },
    staff: {
      writable: ['email', 'name', 'roles'],
      list: async (query) => rows(await unwrap(api.GET('/staff', { params: { query } }))),
      one: async (id) => withId(await unwrap(api.GET('/staff/{id}', { params: { path: { id } } })), id),
      create: async (body) => outcome(await unwrapWithStatus(api.POST('/staff', { body: body as Body<'/staff', 'post'> }))),
      update: async (id, { roles, ...changes }, previous) => {
        // Roles have their own command (an admin role grant may need approval).
        let latest: Outcome = { row: previous };
        if (Object.keys(changes).length > 0) {
          latest = outcome(
            await unwrapWithStatus(
              api.PATCH('/staff/{id}', { params: { path: { id }, header: ifMatch(previous.version) }, body: changes as Body<'/staff/{id}', 'patch'> }),
            ),
          );
        }
        if (roles !== undefined) {
          const version = 'row' in latest ? latest.row.version : previous.version;
          latest = outcome(
            await unwrapWithStatus(api.PUT('/staff/{id}/roles', { params: { path: { id }, header: ifMatch(version) }, body: { roles: roles as string[] } })),
          );
        }
        return latest;
      },
    },
    roles: {
      writable: ['name', 'description', 'permissions'],
      list: async (query) => {
        const page = await unwrap(api.GET('/roles', { params: { query } }));
        return { items: page.items.map((role) => withId(role, role.name)), nextCursor: page.nextCursor };
      },
      one: async (name) => withId(await unwrap(api.GET('/roles/{name}', { params: { path: { name } } })), name),
      create: async (body) => {
        const role = await unwrap(api.POST('/roles', { body: body as Body<'/roles', 'post'> }));
        return { row: withId(role, role.name) };
      },
      update: async (name, changes, previous) => {
        const { name: _ignored, ...rest } = changes;
        const role = await unwrap(
          api.PATCH('/roles/{name}', { params: { path: { name }, header: ifMatch(previous.version) }, body: rest as Body<'/roles/{name}', 'patch'> }),
        );
        return { row: withId(role, role.name) };
      },
      remove: async (name, previous) => {
        await unwrap(api.DELETE('/roles/{name}', { params: { path: { name }, header: ifMatch(previous.version) } }));
      },
    },
    exports: {
      writable: ['entity', 'format', 'filter', 'fields'],
      filters: ['all'],
      list: async (query) => rows(await unwrap(api.GET('/exports', { params: { query: query as Query<'/exports'> } }))),
      one: async (id) => withId(await unwrap(api.GET('/exports/{id}', { params: { path: { id } } })), id),
      // 202 here means "queued", not "sent for approval": the job is the new record.
      create: async (body) => {
        const job = await unwrap(api.POST('/exports', { body: body as Body<'/exports', 'post'> }));
        return { row: withId(job, job.id) };
      },
    },
    audit: {
      filters: ['entityType', 'entityId', 'actor', 'from', 'to'],
      list: async (query) => {
        const page = await unwrap(api.GET('/audit', { params: { query: query as Query<'/audit'> } }));
        return { items: page.items.map((entry) => withId(entry, `${entry.entityType}:${entry.entityId}:${entry.seq}`)), nextCursor: page.nextCursor };
      },
    },
    'ledger-accounts': {
      list: async () => {
        const { items } = await unwrap(api.GET('/ledger/accounts'));
        return { items: items.map((account) => withId(account, account.code)), nextCursor: null };
      },
    },
    'ledger-entries': {
      list: async (query, filter) => rows(await unwrap(api.GET('/ledger/accounts/{code}/entries', { params: { path: { code: need(filter, 'account') as paths['/ledger/accounts/{code}/entries']['get']['parameters']['path']['code'] }, query } }))),
    },
  };
}
