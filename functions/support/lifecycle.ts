import { conflict } from '../shared/errors';
import type { TicketPriority, TicketStatus } from './schemas';

/**
 * The ticket lifecycle (docs/architecture.md#modules), pure rules:
 *
 *   open → assigned → in_progress → resolved → closed
 *            ↑  ↖________↙ (re)assign     │         │
 *            └────────── reopen ──────────┴─────────┘   (→ assigned when it has an assignee, else → open)
 *
 * Each command names the states it may start from; anything else is 409 naming the current state.
 * An open ticket never has an assignee; every other active state has one, so "unassigned" is `open`.
 */
export const TICKET_COMMANDS = {
  assign: { from: ['open', 'assigned', 'in_progress'], participle: 'assigned' },
  start: { from: ['assigned'], participle: 'started' },
  resolve: { from: ['assigned', 'in_progress'], participle: 'resolved' },
  close: { from: ['resolved'], participle: 'closed' },
  reopen: { from: ['resolved', 'closed'], participle: 'reopened' },
} as const satisfies Record<string, { from: readonly TicketStatus[]; participle: string }>;
export type TicketCommand = keyof typeof TICKET_COMMANDS;

/** Tickets still being worked on: they have an SLA clock running. */
export const ACTIVE_STATUSES: readonly TicketStatus[] = ['open', 'assigned', 'in_progress'];
export const isActive = (status: TicketStatus) => ACTIVE_STATUSES.includes(status);

export function canRun(command: TicketCommand, current: TicketStatus): boolean {
  return (TICKET_COMMANDS[command].from as readonly TicketStatus[]).includes(current);
}

/** 409 naming the state the ticket is in and the states the command needs. */
export function illegalTransition(current: string, command: TicketCommand) {
  const { from, participle } = TICKET_COMMANDS[command];
  return conflict(`The ticket is ${current}: only a ticket that is ${from.join(' or ')} can be ${participle}`, 'illegal-transition');
}

/** Where a command takes a ticket (reopen: back to its assignee if it has one). */
export function targetOf(command: TicketCommand, ticket: { assigneeId?: string }): TicketStatus {
  switch (command) {
    case 'assign':
      return 'assigned';
    case 'start':
      return 'in_progress';
    case 'resolve':
      return 'resolved';
    case 'close':
      return 'closed';
    case 'reopen':
      return ticket.assigneeId ? 'assigned' : 'open';
  }
}

// ---------------------------------------------------------------------------------------------
// SLA

/** Hours to resolve a ticket, by priority (defaults; `TICKET_SLA_HOURS` overrides them). */
export const DEFAULT_SLA_HOURS: Readonly<Record<TicketPriority, number>> = { urgent: 4, high: 8, normal: 24, low: 72 };

/**
 * The SLA in force: the defaults, overridden per priority by `TICKET_SLA_HOURS`
 * (`urgent=2,high=6`: any subset, positive hours, fractions allowed). A malformed value is a
 * deployment mistake: it throws, so the function fails loudly instead of using wrong due times.
 */
export function slaHours(spec: string | undefined = process.env.TICKET_SLA_HOURS): Record<TicketPriority, number> {
  const hours: Record<TicketPriority, number> = { ...DEFAULT_SLA_HOURS };
  if (spec === undefined || spec.trim() === '') return hours;
  for (const part of spec.split(',')) {
    const [name, value, ...rest] = part.split('=').map((s) => s.trim());
    const n = Number(value);
    if (rest.length > 0 || !name || !Object.hasOwn(DEFAULT_SLA_HOURS, name) || !Number.isFinite(n) || n <= 0) {
      throw new Error(`TICKET_SLA_HOURS: "${part}" is not <priority>=<hours> with a priority of ${Object.keys(DEFAULT_SLA_HOURS).join(', ')}`);
    }
    hours[name as TicketPriority] = n;
  }
  return hours;
}

/** The due time of a ticket of `priority` whose SLA clock starts at `from` (ISO). */
export function dueAtOf(priority: TicketPriority, from: string, hours = slaHours()): string {
  return new Date(Date.parse(from) + hours[priority] * 3_600_000).toISOString();
}

/** Active and past its due time at `now` (ISO). */
export function isOverdue(ticket: { status: TicketStatus; dueAt: string }, now: string): boolean {
  return isActive(ticket.status) && ticket.dueAt < now;
}
