/** Memoizes `create` per key: one integration per module function, however many routes use it. */
export function perKey<K, V>(create: (key: K) => V): (key: K) => V {
  const made = new Map<K, V>();
  return (key) => {
    if (!made.has(key)) made.set(key, create(key));
    return made.get(key)!;
  };
}
