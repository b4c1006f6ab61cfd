import { ACTIVE_STATUSES, canRun, dueAtOf, illegalTransition, isOverdue, slaHours, targetOf, TICKET_COMMANDS, type TicketCommand } from '../../functions/support/lifecycle';
import { ticketListOf } from '../../functions/support/tickets';
import { TICKET_STATUSES, type TicketStatus } from '../../functions/support/schemas';

/** The ticket lifecycle and SLA rules (functions/support/lifecycle.ts), without I/O. */
describe('ticket lifecycle', () => {
  const allowed: Record<TicketCommand, TicketStatus[]> = {
    assign: ['open', 'assigned', 'in_progress'],
    start: ['assigned'],
    resolve: ['assigned', 'in_progress'],
    close: ['resolved'],
    reopen: ['resolved', 'closed'],
  };

  it.each(Object.keys(TICKET_COMMANDS) as TicketCommand[])('%s runs exactly from its source states', (command) => {
    const runs = TICKET_STATUSES.filter((status) => canRun(command, status));
    expect(runs).toEqual(allowed[command]);
  });

  it('moves to the command’s state; reopen goes back to the assignee, or to open without one', () => {
    expect(targetOf('assign', {})).toBe('assigned');
    expect(targetOf('start', {})).toBe('in_progress');
    expect(targetOf('resolve', {})).toBe('resolved');
    expect(targetOf('close', {})).toBe('closed');
    expect(targetOf('reopen', { assigneeId: 'x' })).toBe('assigned');
    expect(targetOf('reopen', {})).toBe('open');
  });

  it('an illegal transition is 409 naming the current state and the states the command needs', () => {
    const problem = illegalTransition('open', 'resolve');
    expect(problem.status).toBe(409);
    expect(problem.detail).toBe('The ticket is open: only a ticket that is assigned or in_progress can be resolved');
    expect(problem.slug).toBe('illegal-transition');
  });

  it('only open, assigned and in_progress are active', () => {
    expect(ACTIVE_STATUSES).toEqual(['open', 'assigned', 'in_progress']);
  });
});

describe('SLA', () => {
  it('defaults to urgent 4 h, high 8 h, normal 24 h, low 72 h', () => {
    expect(slaHours('')).toEqual({ urgent: 4, high: 8, normal: 24, low: 72 });
    expect(slaHours(undefined)).toEqual({ urgent: 4, high: 8, normal: 24, low: 72 });
  });

  it('takes overrides per priority from TICKET_SLA_HOURS', () => {
    expect(slaHours('urgent=1, low=0.5')).toEqual({ urgent: 1, high: 8, normal: 24, low: 0.5 });
  });

  it.each(['urgent', 'urgent=0', 'urgent=-1', 'critical=2', 'high=x', 'high=1=2'])('refuses %p', (spec) => {
    expect(() => slaHours(spec)).toThrow(/TICKET_SLA_HOURS/);
  });

  it('a ticket is due its priority’s hours after the clock starts', () => {
    const from = '2026-11-21T10:00:00.000Z';
    const hours = slaHours('');
    expect(dueAtOf('urgent', from, hours)).toBe('2026-11-21T14:00:00.000Z');
    expect(dueAtOf('high', from, hours)).toBe('2026-11-21T18:00:00.000Z');
    expect(dueAtOf('normal', from, hours)).toBe('2026-11-22T10:00:00.000Z');
    expect(dueAtOf('low', from, hours)).toBe('2026-11-24T10:00:00.000Z');
  });

  it('is overdue only while active and strictly past the due time', () => {
    const dueAt = '2026-11-21T14:00:00.000Z';
    expect(isOverdue({ status: 'assigned', dueAt }, '2026-11-21T14:00:00.001Z')).toBe(true);
    expect(isOverdue({ status: 'assigned', dueAt }, dueAt)).toBe(false);
    expect(isOverdue({ status: 'resolved', dueAt }, '2026-11-30T00:00:00.000Z')).toBe(false);
  });
});

describe('ticket lists', () => {
  const now = '2026-11-21T10:00:00.000Z';
  it('names exactly one list', () => {
    expect(ticketListOf({ list: 'mine', limit: 25 }, 'S', now)).toEqual({ by: 'assignee', staffId: 'S' });
    expect(ticketListOf({ list: 'unassigned', limit: 25 }, 'S', now)).toEqual({ by: 'status', status: 'open' });
    expect(ticketListOf({ list: 'overdue', limit: 25 }, 'S', now)).toEqual({ by: 'overdue', now });
    expect(ticketListOf({ status: 'resolved', limit: 25 }, 'S', now)).toEqual({ by: 'status', status: 'resolved' });
    expect(ticketListOf({ customerId: 'C', limit: 25 }, 'S', now)).toEqual({ by: 'customer', customerId: 'C' });
    expect(() => ticketListOf({ limit: 25 }, 'S', now)).toThrow(/exactly one/);
    expect(() => ticketListOf({ list: 'mine', status: 'open', limit: 25 }, 'S', now)).toThrow(/exactly one/);
  });
});
