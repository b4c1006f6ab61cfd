/**
 * One place to read the time. In AWS the offset is always zero; the local runtime can move it
 * forward (`POST /local/clock`) so time-driven rules (quotas, key expiry, SLAs) can be tested
 * without waiting.
 */
let offsetMs = 0;

export function now(): number {
  return Date.now() + offsetMs;
}

export function nowIso(): string {
  return new Date(now()).toISOString();
}

/** Local runtime and tests only: moves this process's clock forward. */
export function advanceClock(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new Error('The clock only moves forward');
  offsetMs += ms;
}

/**
 * Local runtime and tests only: takes back (part of) an earlier advance, so a test that moved the
 * clock can restore it for the tests running beside it. Never before real time.
 */
export function rewindClock(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new Error('Give the milliseconds to take back');
  if (ms > offsetMs) throw new Error(`The clock is only ${offsetMs} ms ahead of real time`);
  offsetMs -= ms;
}
