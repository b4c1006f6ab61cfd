export const TICKET_STATUSES = ['open', 'assigned', 'in_progress', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

/** The states each command starts from (functions/support/lifecycle.ts): other commands are not offered. */
export const COMMAND_FROM = {
  assign: ['open', 'assigned', 'in_progress'],
  start: ['assigned'],
  resolve: ['assigned', 'in_progress'],
  close: ['resolved'],
  reopen: ['resolved', 'closed'],
} as const satisfies Record<string, readonly TicketStatus[]>;

export const canRun = (command: keyof typeof COMMAND_FROM, status: string | undefined): boolean =>
  (COMMAND_FROM[command] as readonly string[]).includes(status ?? '');
