/**
 * Honest list pages: a list asks DynamoDB for `limit + 1` items and answers `limit`. The extra item
 * only tells that more exist; the page then continues after the last item it returns, keyed by that
 * item's key attributes (table keys plus the queried index's keys, as DynamoDB's own
 * LastEvaluatedKey would be). So `nextCursor` is null exactly when nothing follows, and a count that
 * is a multiple of `limit` ends without an empty page.
 *
 * When the Query came back with at most `limit` items, DynamoDB's LastEvaluatedKey (if any) is kept:
 * a FilterExpression or the 1 MB cap stopped it before the end, and items may still follow.
 */
export interface RawPage<Item> {
  items: Item[];
  lastKey?: Record<string, unknown>;
}

export function pageOf<Item extends Record<string, unknown>>(
  items: readonly Item[],
  lastEvaluatedKey: Record<string, unknown> | undefined,
  limit: number,
  keyAttributes: readonly string[],
): RawPage<Item> {
  if (items.length > limit) {
    const returned = items.slice(0, limit);
    const last = returned[returned.length - 1]!;
    return { items: returned, lastKey: Object.fromEntries(keyAttributes.map((attribute) => [attribute, last[attribute]])) };
  }
  return { items: [...items], ...(lastEvaluatedKey ? { lastKey: lastEvaluatedKey } : {}) };
}
