import * as z from 'zod/mini';
import { Actor, Id, Pagination, Timestamp, described } from '../shared/schemas';

export const TICKET_STATUSES = ['open', 'assigned', 'in_progress', 'resolved', 'closed'] as const;
export const TicketStatus = z.lazy(() => z.enum(TICKET_STATUSES));
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TicketPriority = z.lazy(() => z.enum(TICKET_PRIORITIES));
export const COMMENT_VISIBILITIES = ['internal', 'customer'] as const;
export const CommentVisibility = z.lazy(() => z.enum(COMMENT_VISIBILITIES));

export const CreateTicketBody = z.strictObject({
  subject: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  description: z.string().check(z.trim(), z.minLength(1), z.maxLength(10_000)),
  customerId: z.optional(Id),
  orderId: z.optional(Id),
  priority: TicketPriority,
});

/** A partner files a ticket on behalf of one of its customers: the customer is required. */
export const PartnerCreateTicketBody = z.lazy(() => z.extend(CreateTicketBody, { customerId: Id }));

export const AssignTicketBody = z.lazy(() =>
  z.strictObject({ assigneeId: described(Id, 'An active staff member who holds tickets:write') }),
);
export const ReopenTicketBody = z.lazy(() =>
  z.strictObject({
    reason: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(1000))),
    unassign: described(z.optional(z.boolean()), 'true: back to the unassigned queue (open) instead of to the assignee'),
  }),
);
export const ResolveTicketBody = z.lazy(() =>
  z.strictObject({ resolution: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(2000))) }),
);

export const Ticket = z
  .object({
    id: Id,
    subject: z.string(),
    description: z.string(),
    customerId: z.optional(Id),
    orderId: z.optional(Id),
    partnerId: described(z.optional(Id), 'Set when a partner filed the ticket'),
    priority: TicketPriority,
    status: TicketStatus,
    assigneeId: z.optional(Id),
    dueAt: described(Timestamp, 'SLA due time: creation (or reopening) plus the SLA of the priority'),
    overdue: described(z.boolean(), 'Active (open, assigned or in_progress) and past its due time'),
    resolution: z.optional(z.string()),
    resolvedAt: z.optional(Timestamp),
    closedAt: z.optional(Timestamp),
    version: z.int().check(z.minimum(1)),
    createdAt: Timestamp,
    createdBy: Actor,
    updatedAt: Timestamp,
    updatedBy: Actor,
  })
  .register(z.globalRegistry, { id: 'Ticket' });

/** What a partner sees of a ticket it filed: no internal actor ids or assignee. */
export const PartnerTicket = z.lazy(() =>
  z.omit(Ticket, { updatedBy: true, createdBy: true, assigneeId: true }).register(z.globalRegistry, { id: 'PartnerTicket' }),
);

export const TICKET_LISTS = ['mine', 'unassigned', 'overdue'] as const;
export const ListTicketsQuery = z.lazy(() =>
  z.strictObject({
    list: described(z.optional(z.enum(TICKET_LISTS)), 'mine: assigned to the caller; unassigned: open; overdue: active and past due'),
    status: z.optional(TicketStatus),
    customerId: z.optional(Id),
    ...Pagination,
  }),
);

export const TicketHistoryEntry = z.lazy(() =>
  z.object({
    from: described(z.nullable(TicketStatus), 'null for the creation of the ticket'),
    to: TicketStatus,
    actor: Actor,
    at: Timestamp,
    assigneeId: z.optional(Id),
    reason: z.optional(z.string()),
  }),
);
export const TicketHistory = z.lazy(() =>
  z.object({ items: z.array(TicketHistoryEntry) }).register(z.globalRegistry, { id: 'TicketHistory' }),
);

export const CreateCommentBody = z.lazy(() =>
  z.strictObject({
    body: z.string().check(z.trim(), z.minLength(1), z.maxLength(10_000)),
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
    .register(z.globalRegistry, { id: 'TicketComment' }),
);

export type Ticket = z.infer<typeof Ticket>;
export type TicketStatus = z.infer<typeof TicketStatus>;
export type TicketPriority = z.infer<typeof TicketPriority>;
export type TicketComment = z.infer<typeof TicketComment>;
export type TicketHistoryEntry = z.infer<typeof TicketHistoryEntry>;
export type CreateTicketInput = z.infer<typeof CreateTicketBody>;
export type CommentVisibility = z.infer<typeof CommentVisibility>;
