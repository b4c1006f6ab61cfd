import * as z from 'zod';
import { Actor, Id, Pagination, Timestamp } from '../shared/schemas';

export const TICKET_STATUSES = ['open', 'assigned', 'in_progress', 'resolved', 'closed'] as const;
export const TicketStatus = z.lazy(() => z.enum(TICKET_STATUSES));
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TicketPriority = z.lazy(() => z.enum(TICKET_PRIORITIES));
export const COMMENT_VISIBILITIES = ['internal', 'customer'] as const;
export const CommentVisibility = z.lazy(() => z.enum(COMMENT_VISIBILITIES));

export const CreateTicketBody = z.strictObject({
  subject: z.string().trim().min(1).max(200),
  description: z.string().trim().min(1).max(10_000),
  customerId: Id.optional(),
  orderId: Id.optional(),
  priority: TicketPriority,
});

/** A partner files a ticket on behalf of one of its customers: the customer is required. */
export const PartnerCreateTicketBody = z.lazy(() => CreateTicketBody.extend({ customerId: Id }));

export const AssignTicketBody = z.lazy(() => z.strictObject({ assigneeId: Id.describe('An active staff member who holds tickets:write') }));
export const ReopenTicketBody = z.lazy(() =>
  z.strictObject({
    reason: z.string().trim().min(1).max(1000).optional(),
    unassign: z.boolean().optional().describe('true: back to the unassigned queue (open) instead of to the assignee'),
  }),
);
export const ResolveTicketBody = z.lazy(() => z.strictObject({ resolution: z.string().trim().min(1).max(2000).optional() }));

export const Ticket = z
  .object({
    id: Id,
    subject: z.string(),
    description: z.string(),
    customerId: Id.optional(),
    orderId: Id.optional(),
    partnerId: Id.optional().describe('Set when a partner filed the ticket'),
    priority: TicketPriority,
    status: TicketStatus,
    assigneeId: Id.optional(),
    dueAt: Timestamp.describe('SLA due time: creation (or reopening) plus the SLA of the priority'),
    overdue: z.boolean().describe('Active (open, assigned or in_progress) and past its due time'),
    resolution: z.string().optional(),
    resolvedAt: Timestamp.optional(),
    closedAt: Timestamp.optional(),
    version: z.int().min(1),
    createdAt: Timestamp,
    createdBy: Actor,
    updatedAt: Timestamp,
    updatedBy: Actor,
  })
  .meta({ id: 'Ticket' });

/** What a partner sees of a ticket it filed: no internal actor ids or assignee. */
export const PartnerTicket = z.lazy(() => Ticket.omit({ updatedBy: true, createdBy: true, assigneeId: true }).meta({ id: 'PartnerTicket' }));

export const TICKET_LISTS = ['mine', 'unassigned', 'overdue'] as const;
export const ListTicketsQuery = z.lazy(() =>
  z.strictObject({
    list: z.enum(TICKET_LISTS).optional().describe('mine: assigned to the caller; unassigned: open; overdue: active and past due'),
    status: TicketStatus.optional(),
    customerId: Id.optional(),
    ...Pagination,
  }),
);

export const TicketHistoryEntry = z.lazy(() =>
  z.object({
    from: TicketStatus.nullable().describe('null for the creation of the ticket'),
    to: TicketStatus,
    actor: Actor,
    at: Timestamp,
    assigneeId: Id.optional(),
    reason: z.string().optional(),
  }),
);
export const TicketHistory = z.lazy(() => z.object({ items: z.array(TicketHistoryEntry) }).meta({ id: 'TicketHistory' }));

export const CreateCommentBody = z.lazy(() =>
  z.strictObject({
    body: z.string().trim().min(1).max(10_000),
    visibility: CommentVisibility,
  }),
);
export const ListCommentsQuery = z.lazy(() => z.strictObject({ ...Pagination }));

export const TicketComment = z.lazy(() =>
  z
    .object({
      id: Id,
      ticketId: Id,
      body: z.string(),
      visibility: CommentVisibility,
      author: Actor,
      createdAt: Timestamp,
    })
    .meta({ id: 'TicketComment' }),
);

export type Ticket = z.infer<typeof Ticket>;
export type TicketStatus = z.infer<typeof TicketStatus>;
export type TicketPriority = z.infer<typeof TicketPriority>;
export type TicketComment = z.infer<typeof TicketComment>;
export type TicketHistoryEntry = z.infer<typeof TicketHistoryEntry>;
export type CreateTicketInput = z.infer<typeof CreateTicketBody>;
export type CommentVisibility = z.infer<typeof CommentVisibility>;
