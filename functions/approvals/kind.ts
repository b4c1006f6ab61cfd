import type * as z from 'zod/mini';
import type { WriteContext } from '../../shared/write-context';
import type { TransactItem } from '../approval-repository';
import type { ApprovalKindName } from '../schemas';

/**
 * What the workflow hands a kind when it executes an outcome. `commit` writes the kind's changes
 * together with the approval's once-only outcome mark in one transaction, so a retried task never
 * applies (or reverts) twice: it answers `already-done` then.
 */
export interface OutcomeContext {
  approvalId: string;
  write: WriteContext;
  commit(writes: TransactItem[]): Promise<'done' | 'already-done'>;
}

/**
 * A kind of approval, as a plug-in (DESIGN §7): its subject's schema, the number its policy's
 * thresholds are compared with, and the two outcomes — `apply` executes the change exactly once,
 * `reject` returns the subject to its prior state (e.g. lifts the "pending approval" mark). The
 * command that needs the approval writes that mark when it calls `requestApproval`.
 */
export interface ApprovalKindPlugin<S extends Record<string, unknown> = Record<string, unknown>> {
  kind: ApprovalKindName;
  subject: z.ZodMiniType<S>;
  /** The policy measure of a subject (undefined for kinds whose rules have no threshold). */
  measure?(subject: S): number;
  /** One line for inboxes: what is being approved. */
  summary(subject: S): string;
  apply?(subject: S, ctx: OutcomeContext): Promise<void>;
  reject?(subject: S, ctx: OutcomeContext): Promise<void>;
}

/** A change the kind cannot apply any more (the subject moved on meanwhile): not retried, the approval fails. */
export class OutcomeRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Approval.OutcomeRefused';
  }
}

export function defineKind<S extends Record<string, unknown>>(plugin: ApprovalKindPlugin<S>): ApprovalKindPlugin<S> {
  return plugin;
}
