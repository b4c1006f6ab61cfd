import type { DataProvider, GetListParams, Identifier, RaRecord } from 'react-admin';
import type { AdminClient } from '../api/client';
import { APPROVAL_SENT } from '../api/call';
import { resourceApis, type Outcome, type ResourceApi, type Row } from '../api/resources';

const LIST_LIMIT_MAX = 100;

/**
 * react-admin's data provider over the admin API (docs/modules/console.md):
 * - lists are cursor-paginated: page n asks with the cursor page n−1 returned, as partial
 *   pagination (hasNextPage, no total); a page whose cursor is unknown starts again at page 1;
 * - updates send only the fields the person changed, with `If-Match` from the record's `version`;
 * - a 202 (sent for approval) keeps the record as it was and carries the approval for the screen.
 */
export function createDataProvider(api: AdminClient): DataProvider & { api: AdminClient } {
  const apis = resourceApis(api);
  const cursors = new Map<string, string>();

  const of = (resource: string, operation: keyof ResourceApi): ResourceApi => {
    const entry = apis[resource];
    if (!entry?.[operation]) throw new Error(`The console offers no ${String(operation)} for ${resource}`);
    return entry;
  };

  const listQuery = (entry: ResourceApi, filter: Record<string, unknown>): Record<string, unknown> => {
    const query: Record<string, unknown> = {};
    for (const name of entry.filters ?? []) {
      const value = filter[name];
      if (value !== undefined && value !== null && value !== '') query[name] = value;
    }
    return query;
  };

  const afterSave = (outcome: Outcome, previous?: Row): { data: RaRecord } => {
    if ('row' in outcome) return { data: outcome.row as RaRecord };
    // Nothing changed yet: the record stays as it was, with the approval that now decides.
    const base = previous ?? { id: outcome.approval.id };
    return { data: { ...base, [APPROVAL_SENT]: outcome.approval } as RaRecord };
  };

  const pick = (fields: string[] | undefined, data: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(data).filter(([key, value]) => (fields ?? []).includes(key) && value !== undefined));

  async function getList(resource: string, params: GetListParams): Promise<{ data: RaRecord[]; total?: number; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean } }> {
    const entry = of(resource, 'list');
    const { page = 1, perPage = 25 } = params.pagination ?? {};
    const filter = { ...(params.filter ?? {}), ...(params.meta?.filter ?? {}) } as Record<string, unknown>;
    const key = JSON.stringify([resource, filter, perPage]);
    const cursor = page > 1 ? cursors.get(`${key}#${page}`) : undefined;
    const effectivePage = page > 1 && !cursor ? 1 : page;
    const query = { ...listQuery(entry, filter), limit: Math.min(perPage, LIST_LIMIT_MAX), ...(cursor ? { cursor } : {}) };
    const { items, nextCursor } = await entry.list!(query, filter);
    if (nextCursor) cursors.set(`${key}#${effectivePage + 1}`, nextCursor);
    return {
      data: items as RaRecord[],
      // On the last page the total is known exactly; before it, only that there is more.
      ...(nextCursor ? {} : { total: (effectivePage - 1) * perPage + items.length }),
      pageInfo: { hasNextPage: Boolean(nextCursor), hasPreviousPage: effectivePage > 1 },
    };
  }

  return {
    api,
    getList: getList as DataProvider['getList'],
    getOne: async (resource, { id }) => ({ data: (await of(resource, 'one').one!(String(id))) as RaRecord }) as never,
    getMany: async (resource, { ids }) => {
      const entry = of(resource, 'one');
      const found = await Promise.allSettled(ids.map((id: Identifier) => entry.one!(String(id))));
      return { data: found.flatMap((result) => (result.status === 'fulfilled' ? [result.value as RaRecord] : [])) } as never;
    },
    getManyReference: async (resource, params) =>
      (await getList(resource, { ...params, filter: { ...params.filter, [params.target]: params.id } })) as never,
    create: async (resource, { data }) => {
      const entry = of(resource, 'create');
      const record = data as Record<string, unknown>;
      // Parent ids of nested resources (e.g. productId of a stock adjustment) travel beside the body.
      const parents = Object.fromEntries(Object.entries(record).filter(([key]) => key.endsWith('Id') && !(entry.writable ?? []).includes(key)));
      return afterSave(await entry.create!({ ...pick(entry.writable, record), ...parents })) as never;
    },
    update: async (resource, { id, data, previousData }) => {
      const entry = of(resource, 'update');
      const next = pick(entry.writable, data as Record<string, unknown>);
      const changes = entry.replace
        ? next
        : Object.fromEntries(Object.entries(next).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify((previousData as Row)[key])));
      return afterSave(await entry.update!(String(id), changes, previousData as Row), previousData as Row) as never;
    },
    updateMany: async () => {
      throw new Error('The admin API changes one record at a time');
    },
    delete: async (resource, { id, previousData }) => {
      await of(resource, 'remove').remove!(String(id), previousData as Row);
      return { data: previousData } as never;
    },
    deleteMany: async (resource, { ids }) => {
      const entry = of(resource, 'remove');
      for (const id of ids) {
        const current = await of(resource, 'one').one!(String(id));
        await entry.remove!(String(id), current);
      }
      return { data: ids } as never;
    },
  };
}
