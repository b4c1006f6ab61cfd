/**
 * A conditional write lost: `current` is the item as DynamoDB saw it (absent when there is none),
 * so the use case can say why (not found, deleted, stale version) without another read.
 */
export class ConditionFailed extends Error {
  constructor(readonly current: Record<string, unknown> | undefined) {
    super('Conditional write failed');
    this.name = 'ConditionFailed';
  }
}

/** A unique value (SKU, email) is already taken. */
export class UniqueValueTaken extends Error {
  constructor(readonly field: string) {
    super(`${field} is already taken`);
    this.name = 'UniqueValueTaken';
  }
}
