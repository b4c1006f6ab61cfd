import type { StaffPrincipal } from '../shared/auth/principal';
import { ConditionFailed } from '../shared/conditional';
import { decodeCursor, encodeCursor } from '../shared/cursor';
import { badRequest, conflict, notFound } from '../shared/errors';
import type { WriteContext } from '../shared/write-context';
import { findApproval, inboxKeyOf, queryByStatus, queryInbox, saveDecision } from './approval-repository';
import { decide, toView, type ApprovalRecord, type Decision } from './approval-state';
import type { ApprovalKindName, ApprovalStatus, ApprovalView } from './schemas';
import { sendDecision } from './workflow-client';

/** Approval use cases for the API: read, list (by status and kind, or my inbox), decide. */

export async function getApproval(id: string): Promise<ApprovalView> {
  const record = await findApproval(id);
  if (!record) throw notFound('Approval');
  return toView(record);
}

export interface ListApprovalsInput {
  status?: ApprovalStatus;
  kind?: ApprovalKindName;
  mine: boolean;
  limit: number;
  cursor?: string;
}

export async function listApprovals(input: ListApprovalsInput, caller: StaffPrincipal) {
  if (input.mine) {
    if (input.kind !== undefined || (input.status !== undefined && input.status !== 'pending')) {
      throw badRequest('mine=true lists your inbox (pending approvals, most urgent first); it takes no kind or other status', [
        { path: 'query.mine', message: 'Cannot be combined with kind or a status other than pending' },
      ]);
    }
    return inbox(caller.roles, input.limit, input.cursor);
  }
  const status = input.status ?? 'pending';
  const binding = `admin.approvals|${status}|${input.kind ?? '*'}`;
  const page = await queryByStatus(status, input.kind, input.limit, decodeCursor(input.cursor, binding));
  return { items: page.items.map(toView), nextCursor: encodeCursor(page.lastKey, binding) };
}

const inboxOrder = (record: ApprovalRecord) => String(inboxKeyOf(record)?.gsi1sk ?? '');

/**
 * The inbox of every role I hold, merged by due time: one Query per role (most members hold one),
 * each from where the cursor left that role. The cursor keeps a position per role.
 */
async function inbox(roles: readonly string[], limit: number, cursor: string | undefined) {
  const sorted = [...new Set(roles)].sort();
  const binding = `admin.approvals.inbox|${sorted.join(',')}`;
  const positions = (decodeCursor(cursor, binding) ?? {}) as Record<string, Record<string, unknown> | null>;
  const pages = await Promise.all(
    sorted.map(async (role) => {
      const position = positions[role];
      if (position === null) return { role, items: [] as ApprovalRecord[], exhausted: true, skipped: true };
      const page = await queryInbox(role, limit, position);
      return { role, items: page.items, exhausted: !page.lastKey, skipped: false };
    }),
  );
  const taken = pages
    .flatMap(({ role, items }) => items.map((record) => ({ role, record })))
    .sort((a, b) => inboxOrder(a.record).localeCompare(inboxOrder(b.record)))
    .slice(0, limit);
  const next: Record<string, Record<string, unknown> | null> = {};
  let more = false;
  for (const page of pages) {
    const mine = taken.filter((t) => t.role === page.role);
    if (page.skipped || (page.exhausted && mine.length === page.items.length)) {
      next[page.role] = null;
      continue;
    }
    more = true;
    const last = mine[mine.length - 1];
    if (last) next[page.role] = inboxKeyOf(last.record) ?? null;
    else if (positions[page.role] !== undefined) next[page.role] = positions[page.role]!;
  }
  return { items: taken.map((t) => toView(t.record)), nextCursor: more ? encodeCursor(next, binding) : null };
}

/**
 * Records a decision on the current step (the rules in approval-state.ts), conditioned on the
 * version read: a concurrent decision or timeout makes this one late (409). The workflow need not
 * wait at the step yet. If it does (its token was on the replaced item), the decision is handed to
 * it here (SendTaskSuccess / SendTaskFailure); if not, its task finds the step decided when it
 * arrives and moves on by itself.
 */
export async function decideApproval(id: string, decision: Decision, comment: string | undefined, caller: StaffPrincipal, ctx: WriteContext): Promise<ApprovalView> {
  const record = await findApproval(id);
  if (!record) throw notFound('Approval');
  const next = decide(record, { actor: caller.actor, roles: caller.roles }, decision, comment, ctx);
  let taskToken: string | undefined;
  try {
    ({ taskToken } = await saveDecision(next, record.version));
  } catch (error) {
    if (error instanceof ConditionFailed) throw conflict('The approval changed while you decided (another decision or a timeout); read it again', 'approval-changed');
    throw error;
  }
  if (taskToken) await sendDecision(taskToken, decision === 'approve', comment);
  return toView(next);
}
