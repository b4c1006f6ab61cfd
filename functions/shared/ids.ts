import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/** Sortable, unique identifiers (ULID): ids sort by creation time. */
export function newId(): string {
  return nextUlid();
}

export const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
