import { tableName } from '../shared/db';
import { getRecord, queryPage, updateRecord } from '../shared/item-repository';
import { GSI1, GSI2, GSI3, GSI4, staffKeys, ticketKeys } from '../shared/keys';
import type { NamedAction } from '../shared/transaction-repository';
import { buildUpdate } from '../shared/update-expression';
import { stampOf, type WriteContext } from '../shared/write-context';
import { isActive } from './lifecycle';
import type { CommentVisibility, TicketPriority, TicketStatus } from './schemas';

/**
 * A ticket is one item (entityType `ticket`) whose index keys follow its state: status list (gsi1),
 * customer (gsi2), assignee while active (gsi3), due-time list while active (gsi4). Its history is
 * embedded (a transition appends an entry in the write that makes it); comments are items in the
 * ticket's partition. Assign and reopen put the whole item over the version read; start, resolve and
 * close are one conditional update (see {@link moveTicket}).
 */
export interface TicketRecord {
  id: string;
  subject: string;
  description: string;
  customerId?: string;
  orderId?: string;
  partnerId?: string;
  priority: TicketPriority;
  status: TicketStatus;
  assigneeId?: string;
  dueAt: string;
  resolution?: string;
  resolvedAt?: string;
  closedAt?: string;
  /** Every transition, oldest first (missing only on items written before history was embedded). */
  history?: TicketEventRecord[];
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  requestId?: string;
  sourceIp?: string;
}

/** One transition; its source state is the previous entry's `to` (none for the first). */
export interface TicketEventRecord {
  to: TicketStatus;
  actor: string;
  at: string;
  assigneeId?: string;
  reason?: string;
}

export interface TicketCommentRecord {
  id: string;
  ticketId: string;
  body: string;
  visibility: CommentVisibility;
  author: string;
  createdAt: string;
}

/** Names of the actions in a ticket transaction. */
export const TICKET_ACTION = 'ticket';
export const ASSIGNEE_ACTION = 'assignee';

export function findTicket(id: string): Promise<TicketRecord | undefined> {
  return getRecord<TicketRecord>(ticketKeys.byId(id));
}

function ticketItem(ticket: TicketRecord): Record<string, unknown> {
  return {
    ...ticketKeys.byId(ticket.id),
    ...ticketKeys.byStatus(ticket.status, ticket.dueAt, ticket.id),
    ...(ticket.customerId ? ticketKeys.byCustomer(ticket.customerId, ticket.createdAt, ticket.id) : {}),
    ...(ticket.assigneeId && isActive(ticket.status) ? ticketKeys.byAssignee(ticket.assigneeId, ticket.dueAt, ticket.id) : {}),
    ...(isActive(ticket.status) ? ticketKeys.byDue(ticket.dueAt, ticket.id) : {}),
    entityType: 'ticket',
    ...ticket,
  };
}

/**
 * Puts the ticket: a new one (`expectedVersion` undefined) only if absent; a change only over the
 * version read (on a lost race DynamoDB returns the ticket it saw, to name its state).
 */
export function ticketPut(ticket: TicketRecord, expectedVersion?: number): NamedAction {
  return {
    name: TICKET_ACTION,
    action: {
      Put: {
        TableName: tableName(),
        Item: ticketItem(ticket),
        ...(expectedVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: 'attribute_exists(pk) AND #version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
      },
    },
  };
}

export interface TicketMove {
  to: TicketStatus;
  from: readonly TicketStatus[];
  expectedVersion?: number;
  set?: Partial<TicketRecord>;
  remove?: Array<keyof TicketRecord>;
  event: TicketEventRecord;
}

/**
 * Moves a ticket whose write touches nothing else, in ONE conditional UpdateItem: the status and its
 * status-list key, the assignee and due-time list keys dropped when it leaves the active states (the
 * sort keys stay: the due time does not change), the history entry appended, stamps and version.
 * Answers with the ticket after the move; a failed condition throws ConditionFailed carrying the
 * ticket DynamoDB saw.
 */
export function moveTicket(id: string, move: TicketMove, ctx: WriteContext): Promise<TicketRecord> {
  const leaves = !isActive(move.to);
  const update = buildUpdate({
    set: { ...stampOf(ctx), ...move.set, status: move.to, gsi1pk: ticketKeys.byStatusPartition(move.to) },
    remove: [...(move.remove ?? []), ...(leaves ? ['gsi3pk', 'gsi3sk', 'gsi4pk', 'gsi4sk'] : [])],
    increment: { version: 1 },
    append: { history: [move.event] },
  });
  const values: Record<string, unknown> = {};
  move.from.forEach((status, i) => (values[`:from${i}`] = status));
  const condition = `attribute_exists(pk) AND #currentStatus IN (${move.from.map((_, i) => `:from${i}`).join(', ')})`;
  return updateRecord<TicketRecord>(
    ticketKeys.byId(id),
    {
      UpdateExpression: update.UpdateExpression,
      ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#currentStatus': 'status' },
      ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...values },
    },
    condition,
    move.expectedVersion,
  );
}

export function commentPut(comment: TicketCommentRecord, ctx: WriteContext): NamedAction {
  return {
    name: 'comment',
    action: {
      Put: {
        TableName: tableName(),
        Item: { ...ticketKeys.comment(comment.ticketId, comment.createdAt, comment.id), entityType: 'ticket_comment', ...comment, ...stampOf(ctx) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}

/** The ticket exists and is not closed (comments go on open tickets only). */
export function ticketOpenCheck(ticketId: string): NamedAction {
  return {
    name: TICKET_ACTION,
    action: {
      ConditionCheck: {
        TableName: tableName(),
        Key: ticketKeys.byId(ticketId),
        ConditionExpression: 'attribute_exists(pk) AND #status <> :closed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':closed': 'closed' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
  };
}

/** The assignee is still an active staff member when the assignment commits. */
export function activeStaffCheck(staffId: string): NamedAction {
  return {
    name: ASSIGNEE_ACTION,
    action: {
      ConditionCheck: {
        TableName: tableName(),
        Key: staffKeys.byId(staffId),
        ConditionExpression: 'attribute_exists(pk) AND #status = :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':active': 'active' },
      },
    },
  };
}

export type TicketList =
  | { by: 'status'; status: TicketStatus }
  | { by: 'customer'; customerId: string }
  | { by: 'assignee'; staffId: string }
  | { by: 'overdue'; now: string };

/** One Query per list (see ticketKeys). */
export function queryTickets(list: TicketList, limit: number, startKey?: Record<string, unknown>) {
  switch (list.by) {
    case 'status':
      return queryPage<TicketRecord>({ index: GSI1, partition: ticketKeys.byStatusPartition(list.status), limit, startKey, descending: false });
    case 'customer':
      return queryPage<TicketRecord>({
        index: GSI2,
        partition: ticketKeys.byCustomerPartition(list.customerId),
        sortPrefix: ticketKeys.customerSortPrefix(),
        limit,
        startKey,
      });
    case 'assignee':
      return queryPage<TicketRecord>({ index: GSI3, partition: ticketKeys.byAssigneePartition(list.staffId), limit, startKey, descending: false });
    case 'overdue':
      return queryPage<TicketRecord>({
        index: GSI4,
        partition: ticketKeys.duePartition(),
        sortRange: ticketKeys.dueBefore(list.now),
        limit,
        startKey,
        descending: false,
      });
  }
}

/** A page of the ticket's comments, oldest first. */
export function queryTicketComments(ticketId: string, limit: number, startKey?: Record<string, unknown>) {
  return queryPage<TicketCommentRecord>({ partition: ticketKeys.partition(ticketId), sortPrefix: ticketKeys.commentPrefix(), limit, startKey, descending: false });
}
