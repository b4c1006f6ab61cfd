import type * as z from 'zod/mini';
import type { WriteContext } from '../shared/write-context';
import type { NamedAction } from '../shared/transaction-repository';
import type { ApprovalKindName, KindPolicy, PolicyDocument } from './schemas';

/**
 * What the workflow hands a kind when it executes an outcome. `commit` writes the kind's changes
 * together with the approval's once-only outcome mark in one transaction, so a retried task never
 * applies (or reverts) twice: it answers `already-done` then.
 */
export interface OutcomeContext {
  approvalId: string;
  write: WriteContext;
  commit(writes: NamedAction[]): Promise<'done' | 'already-done'>;
}

/**
 * A kind of approval, as a plug-in the engine runs without knowing its subject (docs/architecture.md#approvals): its name, its
 * subject's schema, its default policy, the number that policy's thresholds are compared with, and
 * the two outcomes — `apply` executes the change exactly once, `reject` returns the subject to its
 * prior state (e.g. lifts the "pending approval" mark). Each kind lives with its subject's module;
 * functions/approval-kinds.ts registers them. The command that needs the approval writes the mark
 * when it calls `requestApproval`.
 */
export interface ApprovalKindPlugin<S extends Record<string, unknown> = Record<string, unknown>> {
  kind: ApprovalKindName;
  subject: z.ZodMiniType<S>;
  /** The rules in force until someone stores a policy. */
  defaultPolicy: KindPolicy;
  /** What the policy's thresholds measure, for people (absent: rules take no threshold). */
  measureDescription?: string;
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

/** The kinds an engine runs, by name, with the policy document their defaults make up. */
export interface ApprovalKinds {
  of(kind: ApprovalKindName): ApprovalKindPlugin | undefined;
  readonly defaultPolicy: PolicyDocument;
  /** Per kind, what its thresholds measure (`undefined`: no threshold). */
  readonly measures: Readonly<Record<ApprovalKindName, string | undefined>>;
}

/** The registry of every kind; the policy document needs each kind exactly once. */
export function approvalKindRegistry<S extends Record<ApprovalKindName, Record<string, unknown>>>(plugins: {
  [K in ApprovalKindName]: ApprovalKindPlugin<S[K]>;
}): ApprovalKinds {
  const kinds = plugins as unknown as Record<ApprovalKindName, ApprovalKindPlugin>;
  const entries = Object.entries(kinds) as Array<[ApprovalKindName, ApprovalKindPlugin]>;
  for (const [name, plugin] of entries) if (plugin.kind !== name) throw new Error(`Approval kind ${plugin.kind} registered as ${name}`);
  return {
    of: (kind) => kinds[kind],
    defaultPolicy: { kinds: Object.fromEntries(entries.map(([name, plugin]) => [name, plugin.defaultPolicy])) as PolicyDocument['kinds'] },
    measures: Object.fromEntries(entries.map(([name, plugin]) => [name, plugin.measureDescription])) as Record<ApprovalKindName, string | undefined>,
  };
}
