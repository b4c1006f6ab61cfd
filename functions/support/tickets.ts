import { LINK_ACTION, liveCustomerCheck, partnerLinkCheck } from '../orders/customer-repository';
import { findOrder } from '../orders/order-repository';
import { getCustomRoleGrants, getStaffAccess } from '../shared/auth/staff-access-repository';
import { grants, grantsOfRoles, isBuiltInRole } from '../shared/auth/permissions';
import { nowIso } from '../shared/clock';
import { decodeCursor, encodeCursor } from '../shared/cursor';
import { ConditionFailed } from '../shared/conditional';
import { badRequest, conflict, notFound, staleVersion } from '../shared/errors';
import { runIdempotent, type CommandResult, type IdempotentRequest } from '../shared/idempotency';
import { newId } from '../shared/ids';
import { TransactionCancelled, transactWrite, type NamedAction } from '../shared/transaction-repository';
import { creationStampOf, type WriteContext } from '../shared/write-context';
import { canRun, dueAtOf, illegalTransition, isOverdue, targetOf, TICKET_COMMANDS, type TicketCommand } from './lifecycle';
import {
  activeStaffCheck,
  ASSIGNEE_ACTION,
  commentPut,
  findTicket,
  moveTicket,
  queryTicketComments,
  queryTickets,
  TICKET_ACTION,
  ticketOpenCheck,
  ticketPut,
  type TicketEventRecord,
  type TicketCommentRecord,
  type TicketList,
  type TicketRecord,
} from './ticket-repository';
import type { CommentVisibility, CreateTicketInput, Ticket, TicketComment, TicketHistoryEntry, TicketStatus } from './schemas';

/** Support ticket use cases: filing (staff or partner), reading, lists, the lifecycle and comments. */

export function toTicket(record: TicketRecord, now = nowIso()): Ticket {
  const { requestId: _r, sourceIp: _s, history: _h, ...rest } = record;
  return { ...rest, overdue: isOverdue(record, now) };
}

/** What a partner sees of a ticket it filed. */
export function forPartner(ticket: Ticket) {
  const { updatedBy: _u, createdBy: _c, assigneeId: _a, ...rest } = ticket;
  return rest;
}

// ---------------------------------------------------------------------------------------------
// Filing a ticket

export interface TicketOrigin {
  /** Set when a partner files the ticket: it may link only its own orders. */
  partnerId?: string;
}

/** The order a ticket links: it must exist (and, for a partner, be its own) and belong to the ticket's customer. */
async function linkedOrder(input: CreateTicketInput, origin: TicketOrigin): Promise<{ customerId?: string }> {
  if (!input.orderId) return {};
  const order = await findOrder(input.orderId);
  // Another partner's order reads as "no such order", like everywhere in the partner API.
  if (!order || (origin.partnerId !== undefined && order.partnerId !== origin.partnerId)) {
    throw badRequest('The order does not exist', [{ path: 'body.orderId', message: 'No such order' }]);
  }
  if (input.customerId !== undefined && order.customerId !== input.customerId) {
    throw badRequest('The order belongs to another customer', [{ path: 'body.orderId', message: 'Not an order of this customer' }]);
  }
  return { customerId: order.customerId };
}

/**
 * Files a ticket: `open`, due after the SLA of its priority. One transaction puts the ticket (with its
 * first history entry, in the due-time list), checks the customer (exists, not deleted) and records
 * the idempotency key. A linked order (read first) gives the ticket its customer when none is named;
 * a partner naming a customer without an order must be linked to it (another's customer reads as none).
 */
export async function createTicket(
  input: CreateTicketInput,
  origin: TicketOrigin,
  idempotency: IdempotentRequest | undefined,
  ctx: WriteContext,
): Promise<CommandResult<Ticket>> {
  return runIdempotent<Ticket>(idempotency, ctx, async (record) => {
    const order = await linkedOrder(input, origin);
    const customerId = input.customerId ?? order.customerId;
    const ticket: TicketRecord = {
      id: newId(),
      subject: input.subject,
      description: input.description,
      ...(customerId ? { customerId } : {}),
      ...(input.orderId ? { orderId: input.orderId } : {}),
      ...(origin.partnerId ? { partnerId: origin.partnerId } : {}),
      priority: input.priority,
      status: 'open',
      dueAt: dueAtOf(input.priority, ctx.at),
      history: [{ to: 'open', actor: ctx.actor, at: ctx.at }],
      version: 1,
      ...creationStampOf(ctx),
    };
    const response = { status: 201, body: toTicket(ticket, ctx.at) };
    try {
      await transactWrite([
        ...record(response),
        ticketPut(ticket),
        ...(customerId ? [liveCustomerCheck(customerId)] : []),
        // A partner names only customers it may act for; through its own order the customer is the order's.
        ...(customerId && origin.partnerId && !input.orderId ? [partnerLinkCheck(customerId, origin.partnerId)] : []),
      ]);
    } catch (error) {
      if (error instanceof TransactionCancelled && (error.failed('customer') || error.failed(LINK_ACTION))) {
        throw badRequest('The customer does not exist or was deleted', [{ path: 'body.customerId', message: 'No such customer' }]);
      }
      throw error;
    }
    return response;
  });
}

// ---------------------------------------------------------------------------------------------
// Reading and lists

export async function getTicket(id: string, partnerId?: string): Promise<TicketRecord> {
  const ticket = await findTicket(id);
  if (!ticket || (partnerId !== undefined && ticket.partnerId !== partnerId)) throw notFound('Ticket');
  return ticket;
}

export interface ListTicketsInput {
  list?: 'mine' | 'unassigned' | 'overdue';
  status?: TicketStatus;
  customerId?: string;
  limit: number;
  cursor?: string;
}

/** Exactly one of list, status or customerId names the list. */
export function ticketListOf(input: ListTicketsInput, callerStaffId: string, now: string): TicketList {
  const given = [input.list && 'list', input.status && 'status', input.customerId && 'customerId'].filter(Boolean);
  if (given.length !== 1) {
    throw badRequest('Name exactly one list: list (mine, unassigned or overdue), status or customerId', [
      { path: 'query', message: given.length === 0 ? 'Give list, status or customerId' : `Give only one of ${given.join(', ')}` },
    ]);
  }
  if (input.status) return { by: 'status', status: input.status };
  if (input.customerId) return { by: 'customer', customerId: input.customerId };
  switch (input.list!) {
    case 'mine':
      return { by: 'assignee', staffId: callerStaffId };
    case 'unassigned':
      return { by: 'status', status: 'open' };
    case 'overdue':
      return { by: 'overdue', now };
  }
}

/**
 * One Query per page. Status, unassigned, mine and overdue lists run earliest due first; a customer's
 * tickets newest first. The overdue list holds active tickets due before the (controllable) clock's now.
 */
export async function listTickets(input: ListTicketsInput, callerStaffId: string) {
  const now = nowIso();
  const list = ticketListOf(input, callerStaffId, now);
  const binding = `admin.tickets|${JSON.stringify(list.by === 'overdue' ? { by: 'overdue' } : list)}`;
  const page = await queryTickets(list, input.limit, decodeCursor(input.cursor, binding));
  return { items: page.items.map((t) => toTicket(t, now)), nextCursor: encodeCursor(page.lastKey, binding) };
}

/** Every transition, oldest first: one GetItem (the history is embedded; each entry's source is the previous one's target). */
export async function getTicketHistory(id: string): Promise<{ items: TicketHistoryEntry[] }> {
  const ticket = await findTicket(id);
  if (!ticket) throw notFound('Ticket');
  const history = ticket.history ?? [];
  return {
    items: history.map(({ to, actor, at, assigneeId, reason }, i) => ({
      from: i === 0 ? null : history[i - 1]!.to,
      to,
      actor,
      at,
      ...(assigneeId === undefined ? {} : { assigneeId }),
      ...(reason === undefined ? {} : { reason }),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

/** May `staffId` work on tickets: an active staff member whose roles grant tickets:write. */
async function assertAssignable(staffId: string): Promise<void> {
  const refuse = (message: string) => badRequest(message, [{ path: 'body.assigneeId', message }]);
  const member = await getStaffAccess(staffId);
  if (!member) throw refuse('No such staff member');
  if (member.status !== 'active') throw refuse('The staff member is disabled');
  const custom = await getCustomRoleGrants(member.roles.filter((role) => !isBuiltInRole(role)));
  if (!grants(grantsOfRoles(member.roles, custom.grants), 'tickets:write')) {
    throw refuse('The staff member does not work on tickets (no tickets:write permission)');
  }
}

interface Change {
  set?: Partial<TicketRecord>;
  remove?: Array<keyof TicketRecord>;
  reason?: string;
  checks?: NamedAction[];
}

/**
 * Why `command` may not run on the ticket as it is (absent 404, If-Match 412, state 409, in the order
 * a read answers them), or undefined when it may.
 */
function refusal(command: TicketCommand, seen: { version?: unknown; status?: unknown } | undefined, expectedVersion: number | undefined): Error | undefined {
  if (!seen) return notFound('Ticket');
  const stale = staleVersion('ticket', seen.version, expectedVersion);
  if (stale) return stale;
  if (!canRun(command, seen.status as TicketStatus)) return illegalTransition(String(seen.status), command);
  return undefined;
}

/** A condition failed although the ticket, as returned, would allow the command: it changed meanwhile. */
const changedMeanwhile = (seen: { version?: unknown } | undefined) =>
  conflict(`The ticket changed while this request ran (now version ${String(seen?.version)}); read it again and retry`);

/** A history entry of a transition made in `ctx`. */
const entryOf = (to: TicketStatus, ctx: WriteContext, extra: Partial<TicketEventRecord> = {}): TicketEventRecord => ({ to, actor: ctx.actor, at: ctx.at, ...extra });

/**
 * Runs a command that needs the ticket (assign: the assignee is re-checked in the same transaction;
 * reopen: the new due time depends on the priority): read, check If-Match and the command's source
 * states, then ONE transaction — the ticket over the version read, with its history entry appended
 * and its list keys (status, assignee, due time) following its state. A lost race names the state
 * the ticket is in now (409) or asks to retry.
 */
async function runCommand(id: string, command: TicketCommand, expectedVersion: number | undefined, ctx: WriteContext, change: (t: TicketRecord) => Change = () => ({})): Promise<Ticket> {
  const current = await findTicket(id);
  if (!current) throw notFound('Ticket');
  const refused = refusal(command, current, expectedVersion);
  if (refused) throw refused;
  const { set = {}, remove = [], reason, checks = [] } = change(current);
  const draft: TicketRecord = { ...current, ...set };
  for (const field of remove) delete draft[field];
  const to = targetOf(command, draft);
  const entry = entryOf(to, ctx, {
    ...(command === 'assign' && draft.assigneeId ? { assigneeId: draft.assigneeId } : {}),
    ...(reason === undefined ? {} : { reason }),
  });
  const next: TicketRecord = {
    ...draft,
    status: to,
    history: [...(current.history ?? []), entry],
    version: current.version + 1,
    updatedAt: ctx.at,
    updatedBy: ctx.actor,
    requestId: ctx.requestId,
    sourceIp: ctx.sourceIp,
  };
  try {
    await transactWrite([ticketPut(next, current.version), ...checks]);
  } catch (error) {
    if (error instanceof TransactionCancelled) {
      if (error.failed(ASSIGNEE_ACTION)) throw badRequest('The staff member was disabled meanwhile', [{ path: 'body.assigneeId', message: 'The staff member is disabled' }]);
      if (error.failed(TICKET_ACTION)) {
        const seen = error.current(TICKET_ACTION);
        throw refusal(command, seen, undefined) ?? changedMeanwhile(seen);
      }
    }
    throw error;
  }
  return toTicket(next, ctx.at);
}

/**
 * Runs start, resolve or close: ONE conditional UpdateItem and no read. Their target does not depend
 * on the ticket, nothing else is written (the history entry is appended to the ticket), and the
 * update answers with the ticket; on a failed condition the ticket DynamoDB returns says 404, 412 or
 * 409 (docs/decisions.md, "Tickets: five lists on four indexes; start, resolve and close are one request").
 */
async function moveCommand(
  id: string,
  command: 'start' | 'resolve' | 'close',
  expectedVersion: number | undefined,
  ctx: WriteContext,
  change: { set?: Partial<TicketRecord>; remove?: Array<keyof TicketRecord>; reason?: string } = {},
): Promise<Ticket> {
  const to = targetOf(command, {});
  try {
    const ticket = await moveTicket(
      id,
      {
        to,
        from: TICKET_COMMANDS[command].from,
        ...(expectedVersion === undefined ? {} : { expectedVersion }),
        ...(change.set ? { set: change.set } : {}),
        ...(change.remove ? { remove: change.remove } : {}),
        event: entryOf(to, ctx, change.reason === undefined ? {} : { reason: change.reason }),
      },
      ctx,
    );
    return toTicket(ticket, ctx.at);
  } catch (error) {
    if (error instanceof ConditionFailed) throw refusal(command, error.current, expectedVersion) ?? changedMeanwhile(error.current);
    throw error;
  }
}

type Version = number | undefined;

/** Assigns (or reassigns) the ticket to a support member: → assigned. */
export async function assignTicket(id: string, assigneeId: string, expectedVersion: Version, ctx: WriteContext): Promise<Ticket> {
  await assertAssignable(assigneeId);
  return runCommand(id, 'assign', expectedVersion, ctx, () => ({ set: { assigneeId }, checks: [activeStaffCheck(assigneeId)] }));
}

export const startTicket = (id: string, expectedVersion: Version, ctx: WriteContext) => moveCommand(id, 'start', expectedVersion, ctx);

/** → resolved; records when (the metrics' time to resolution) and, optionally, how. */
export const resolveTicket = (id: string, resolution: string | undefined, expectedVersion: Version, ctx: WriteContext) =>
  moveCommand(id, 'resolve', expectedVersion, ctx, {
    set: { resolvedAt: ctx.at, ...(resolution === undefined ? {} : { resolution }) },
    ...(resolution === undefined ? { remove: ['resolution'] } : { reason: resolution }),
  });

export const closeTicket = (id: string, expectedVersion: Version, ctx: WriteContext) => moveCommand(id, 'close', expectedVersion, ctx, { set: { closedAt: ctx.at } });

/**
 * Reopens a resolved or closed ticket: back to its assignee (→ assigned) or, with `unassign`, to the
 * unassigned queue (→ open). Its SLA clock starts again from now; the resolution marks are cleared.
 */
export const reopenTicket = (id: string, input: { reason?: string; unassign?: boolean }, expectedVersion: Version, ctx: WriteContext) =>
  runCommand(id, 'reopen', expectedVersion, ctx, (t) => ({
    set: { dueAt: dueAtOf(t.priority, ctx.at) },
    remove: ['resolvedAt', 'closedAt', 'resolution', ...(input.unassign ? (['assigneeId'] as const) : [])],
    ...(input.reason === undefined ? {} : { reason: input.reason }),
  }));

// ---------------------------------------------------------------------------------------------
// Comments

const toComment = (record: TicketCommentRecord): TicketComment => {
  const { id, ticketId, body, visibility, author, createdAt } = record;
  return { id, ticketId, body, visibility, author, createdAt };
};

/** Adds a comment to a ticket that is not closed: one transaction, the comment and a check of the ticket. */
export async function addComment(ticketId: string, input: { body: string; visibility: CommentVisibility }, ctx: WriteContext): Promise<TicketComment> {
  const comment: TicketCommentRecord = { id: newId(), ticketId, body: input.body, visibility: input.visibility, author: ctx.actor, createdAt: ctx.at };
  try {
    await transactWrite([commentPut(comment, ctx), ticketOpenCheck(ticketId)]);
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failed(TICKET_ACTION)) {
      const seen = error.current(TICKET_ACTION);
      if (!seen) throw notFound('Ticket');
      throw conflict('The ticket is closed: reopen it to comment', 'illegal-transition');
    }
    throw error;
  }
  return toComment(comment);
}

/** A page of the ticket's comments, oldest first: one Query (an unknown ticket has none). */
export async function listComments(ticketId: string, limit: number, cursor: string | undefined) {
  const binding = `admin.ticket-comments|${ticketId}`;
  const page = await queryTicketComments(ticketId, limit, decodeCursor(cursor, binding));
  return { items: page.items.map(toComment), nextCursor: encodeCursor(page.lastKey, binding) };
}
