/** Key attributes of how an item is stored, which no answer may carry (at any depth). */
const STORAGE_ATTRIBUTE = /^(pk|sk|gsi\d+(pk|sk))$/;

function storageAttributesIn(value: unknown, path: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => storageAttributesIn(item, `${path}[${i}]`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => (STORAGE_ATTRIBUTE.test(key) ? [`${path}.${key}`] : storageAttributesIn(child, `${path}.${key}`)));
}

/** Fails the calling test when an API answer carries table or index keys (a record not mapped to its view). */
export function assertNoStorageAttributes(body: unknown): void {
  const leaked = storageAttributesIn(body, 'body');
  if (leaked.length > 0) throw new Error(`The answer leaks storage attributes: ${leaked.join(', ')}`);
}
