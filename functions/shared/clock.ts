/** One place to read the time, so tests and the local runtime can control it. */
export function nowIso(): string {
  return new Date().toISOString();
}
