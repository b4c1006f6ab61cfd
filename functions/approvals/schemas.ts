import * as z from 'zod/mini';
import { Actor, Id, Pagination, Timestamp, described } from '../shared/schemas';

/** What can wait for an approval (docs/architecture.md#approvals). Each kind is a plug-in of its subject's module, registered in functions/approval-kinds.ts. */
export const APPROVAL_KINDS = ['refund', 'price_change', 'stock_write_off', 'content_publish', 'admin_role_grant'] as const;
export const ApprovalKind = z.lazy(() => z.enum(APPROVAL_KINDS));
export type ApprovalKindName = z.infer<typeof ApprovalKind>;

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired', 'failed'] as const;
export const ApprovalStatus = z.lazy(() => z.enum(APPROVAL_STATUSES));
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;

/**
 * A step's life: `waiting` (not reached yet) → `open` (the current step: in its role's inbox and
 * decidable, whether or not the workflow waits there yet) →
 * `approved` | `rejected` | `expired` (timed out, the approval is auto-rejected) | `escalated`
 * (timed out, a step for the escalation role follows); steps never reached end `skipped`.
 */
export const STEP_STATUSES = ['waiting', 'open', 'approved', 'rejected', 'expired', 'escalated', 'skipped'] as const;
export const StepStatus = z.lazy(() => z.enum(STEP_STATUSES));
export type StepStatus = z.infer<typeof StepStatus>;

const RoleName = z.lazy(() => z.string().check(z.regex(/^[a-z][a-z0-9_-]{1,39}$/, 'A role name')));

/** One year is the longest a Standard workflow task may wait; policies keep steps far shorter. */
export const MAX_STEP_TIMEOUT_SECONDS = 14 * 24 * 3600;

export const PolicyStep = z.lazy(() =>
  z
    .strictObject({
      role: RoleName,
      timeoutSeconds: described(z.int().check(z.minimum(1), z.maximum(MAX_STEP_TIMEOUT_SECONDS)), 'How long the step waits for a decision'),
      onTimeout: described(
        z.union([z.literal('reject'), z.strictObject({ escalateTo: RoleName })]),
        '`reject`: the approval expires; `{escalateTo}`: a step for that role follows (it rejects on its own timeout)',
      ),
    })
    .register(z.globalRegistry, { id: 'ApprovalPolicyStep' }),
);
export type PolicyStep = z.infer<typeof PolicyStep>;

export const PolicyRule = z.lazy(() =>
  z
    .strictObject({
      above: described(z.optional(z.number().check(z.minimum(0))), 'Applies when the measure is greater than this'),
      atLeast: described(z.optional(z.number().check(z.minimum(0))), 'Applies when the measure is at least this'),
      steps: z.array(PolicyStep).check(z.minLength(1), z.maxLength(5)),
    })
    .check(
      z.refine((rule) => rule.above === undefined || rule.atLeast === undefined, { message: 'Give above or atLeast, not both' }),
      z.meta({ id: 'ApprovalPolicyRule' }),
    ),
);
export type PolicyRule = z.infer<typeof PolicyRule>;

export const KindPolicy = z.lazy(() =>
  z.strictObject({ rules: z.array(PolicyRule).check(z.maxLength(10)) }).check(
    z.meta({
      id: 'ApprovalKindPolicy',
      description: 'The matching rule with the highest threshold decides; no matching rule: no approval',
    }),
  ),
);
export type KindPolicy = z.infer<typeof KindPolicy>;

const kindShape = Object.fromEntries(APPROVAL_KINDS.map((kind) => [kind, KindPolicy])) as Record<ApprovalKindName, typeof KindPolicy>;

export const PolicyDocument = z.lazy(() => z.strictObject({ kinds: z.strictObject(kindShape) }));
export type PolicyDocument = z.infer<typeof PolicyDocument>;

export const ApprovalPolicy = z.lazy(() =>
  z
    .object({
      kinds: z.object(kindShape),
      /** What each kind's thresholds are compared with. */
      measures: z.record(z.string(), z.string()),
      version: described(z.int().check(z.minimum(0)), '0 while the defaults are in force'),
      updatedAt: z.optional(Timestamp),
      updatedBy: z.optional(Actor),
    })
    .register(z.globalRegistry, { id: 'ApprovalPolicy' }),
);

export const ApprovalStep = z.lazy(() =>
  z
    .object({
      role: z.string(),
      status: StepStatus,
      timeoutSeconds: z.int(),
      onTimeout: z.union([z.literal('reject'), z.object({ escalateTo: z.string() })]),
      openedAt: z.optional(Timestamp),
      dueAt: z.optional(Timestamp),
      decidedBy: z.optional(Actor),
      decidedAt: z.optional(Timestamp),
      comment: z.optional(z.string()),
      escalatedFrom: described(z.optional(z.int()), 'Index of the step whose timeout opened this one'),
    })
    .register(z.globalRegistry, { id: 'ApprovalStep' }),
);
export type ApprovalStep = z.infer<typeof ApprovalStep>;

export const Approval = z.lazy(() =>
  z
    .object({
      id: Id,
      kind: ApprovalKind,
      status: ApprovalStatus,
      requestedBy: Actor,
      summary: z.string(),
      subject: z.record(z.string(), z.unknown()),
      steps: z.array(ApprovalStep),
      appliedAt: described(z.optional(Timestamp), 'When the workflow executed the approved change'),
      revertedAt: described(z.optional(Timestamp), 'When the workflow returned the subject to its prior state'),
      failure: z.optional(z.object({ error: z.string(), cause: z.optional(z.string()) })),
      version: z.int().check(z.minimum(1)),
      createdAt: Timestamp,
      updatedAt: Timestamp,
      updatedBy: Actor,
    })
    .register(z.globalRegistry, { id: 'Approval' }),
);
export type ApprovalView = z.infer<typeof Approval>;

/** What a command that needs an approval answers (202). */
export const ApprovalAccepted = z.lazy(() => z.object({ approval: Approval }).register(z.globalRegistry, { id: 'ApprovalAccepted' }));

const booleanFlag = z.lazy(() =>
  z.pipe(
    z.enum(['true', 'false']),
    z.transform((v) => v === 'true'),
  ),
);

export const ListApprovalsQuery = z.lazy(() =>
  z.strictObject({
    status: described(z.optional(ApprovalStatus), 'Default: pending'),
    kind: z.optional(ApprovalKind),
    mine: described(z._default(booleanFlag, false), 'true: my inbox — open steps for any of my roles, most urgent first'),
    ...Pagination,
  }),
);

export const DecisionBody = z.lazy(() =>
  z.strictObject({ comment: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(2000))) }),
);
