import { tableName } from '../shared/db';
import { getRecord, queryPage } from '../shared/item-repository';
import { GSI1, GSI2, GSI3, staffKeys, ticketKeys } from '../shared/keys';
import type { NamedAction } from '../shared/transaction-repository';
import { stampOf, type WriteContext } from '../shared/write-context';
import { isActive } from './lifecycle';
import type { CommentVisibility, TicketPriority, TicketStatus } from './schemas';

/**
 * A ticket is one item (entityType `ticket`) written whole on every change (a Put conditioned on the
 * version read), so its index keys always match its state; while it is active a copy (`sk=DUE`,
 * entityType `ticket_due`) is kept in the due-time list in the same transaction. History events and
 * comments are items in the ticket's partition.
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
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  requestId?: string;
  sourceIp?: string;
}

export interface TicketEventRecord {
  id: string;
  ticketId: string;
  from: TicketStatus | null;
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

/** Keeps the due-time copy in step with the ticket: present (and current) while active, gone otherwise. */
export function dueWrite(ticket: TicketRecord): NamedAction {
  const key = ticketKeys.due(ticket.id);
  if (!isActive(ticket.status)) return { name: 'due', action: { Delete: { TableName: tableName(), Key: key } } };
  return {
    name: 'due',
    action: { Put: { TableName: tableName(), Item: { ...key, ...ticketKeys.dueIndex(ticket.dueAt, ticket.id), entityType: 'ticket_due', ...ticket } } },
  };
}

export function ticketEventPut(event: TicketEventRecord, ctx: WriteContext): NamedAction {
  return {
    name: 'history',
    action: {
      Put: {
        TableName: tableName(),
        Item: { ...ticketKeys.event(event.ticketId, event.at, event.id), entityType: 'ticket_event', ...event, ...stampOf(ctx) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
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
        index: GSI1,
        partition: ticketKeys.duePartition(),
        sortRange: ticketKeys.dueBefore(list.now),
        limit,
        startKey,
        descending: false,
      });
  }
}

/** The ticket's history, oldest first (one Query). */
export async function queryTicketHistory(ticketId: string): Promise<TicketEventRecord[]> {
  const page = await queryPage<TicketEventRecord>({ partition: ticketKeys.partition(ticketId), sortPrefix: ticketKeys.eventPrefix(), limit: 1000, descending: false });
  return page.items;
}

/** A page of the ticket's comments, oldest first. */
export function queryTicketComments(ticketId: string, limit: number, startKey?: Record<string, unknown>) {
  return queryPage<TicketCommentRecord>({ partition: ticketKeys.partition(ticketId), sortPrefix: ticketKeys.commentPrefix(), limit, startKey, descending: false });
}
