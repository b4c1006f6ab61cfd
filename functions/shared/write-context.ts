/** Who changed an item, in which request, from where: stamped on every write for the audit log. */
export interface WriteContext {
  actor: string;
  requestId: string;
  sourceIp: string;
  at: string;
}

export function stampOf(ctx: WriteContext) {
  return { updatedAt: ctx.at, updatedBy: ctx.actor, requestId: ctx.requestId, sourceIp: ctx.sourceIp };
}

/** The stamp of an item's creation: who created it and when, plus the usual write stamp. */
export function creationStampOf(ctx: WriteContext) {
  return { createdAt: ctx.at, createdBy: ctx.actor, ...stampOf(ctx) };
}
