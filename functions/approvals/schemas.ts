import * as z from 'zod';
import { Actor, Id, Pagination, Timestamp } from '../shared/schemas';

/** What can wait for an approval (DESIGN §7). Each kind is a plug-in in ./kinds. */
export const APPROVAL_KINDS = ['refund', 'price_change', 'stock_write_off', 'content_publish', 'admin_role_grant'] as const;
export const ApprovalKind = z.lazy(() => z.enum(APPROVAL_KINDS));
export type ApprovalKindName = z.infer<typeof ApprovalKind>;

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired', 'failed'] as const;
export const ApprovalStatus = z.lazy(() => z.enum(APPROVAL_STATUSES));
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;

/**
 * A step's life: `waiting` (not reached yet) → `open` (in its role's inbox, a task token waits) →
 * `approved` | `rejected` | `expired` (timed out, the approval is auto-rejected) | `escalated`
 * (timed out, a step for the escalation role follows); steps never reached end `skipped`.
 */
export const STEP_STATUSES = ['waiting', 'open', 'approved', 'rejected', 'expired', 'escalated', 'skipped'] as const;
export const StepStatus = z.lazy(() => z.enum(STEP_STATUSES));
export type StepStatus = z.infer<typeof StepStatus>;

const RoleName = z.lazy(() => z.string().regex(/^[a-z][a-z0-9_-]{1,39}$/, 'A role name'));

/** One year is the longest a Standard workflow task may wait; policies keep steps far shorter. */
export const MAX_STEP_TIMEOUT_SECONDS = 14 * 24 * 3600;

export const PolicyStep = z.lazy(() =>
  z
    .strictObject({
      role: RoleName,
      timeoutSeconds: z.int().min(1).max(MAX_STEP_TIMEOUT_SECONDS).describe('How long the step waits for a decision'),
      onTimeout: z
        .union([z.literal('reject'), z.strictObject({ escalateTo: RoleName })])
        .describe('`reject`: the approval expires; `{escalateTo}`: a step for that role follows (it rejects on its own timeout)'),
    })
    .meta({ id: 'ApprovalPolicyStep' }),
);
export type PolicyStep = z.infer<typeof PolicyStep>;

export const PolicyRule = z.lazy(() =>
  z
    .strictObject({
      above: z.number().min(0).optional().describe('Applies when the measure is greater than this'),
      atLeast: z.number().min(0).optional().describe('Applies when the measure is at least this'),
      steps: z.array(PolicyStep).min(1).max(5),
    })
    .refine((rule) => rule.above === undefined || rule.atLeast === undefined, { message: 'Give above or atLeast, not both' })
    .meta({ id: 'ApprovalPolicyRule' }),
);
export type PolicyRule = z.infer<typeof PolicyRule>;

export const KindPolicy = z.lazy(() =>
  z
    .strictObject({ rules: z.array(PolicyRule).max(10) })
    .meta({ id: 'ApprovalKindPolicy', description: 'The matching rule with the highest threshold decides; no matching rule: no approval' }),
);
export type KindPolicy = z.infer<typeof KindPolicy>;

const kindShape = Object.fromEntries(APPROVAL_KINDS.map((kind) => [kind, KindPolicy])) as Record<ApprovalKindName, typeof KindPolicy>;

export const PolicyDocument = z.lazy(() => z.strictObject({ kinds: z.strictObject(kindShape) }));
export type PolicyDocument = z.infer<typeof PolicyDocument>;

export const PutPolicyBody = PolicyDocument;

export const ApprovalPolicy = z.lazy(() =>
  z
    .object({
      kinds: z.object(kindShape),
      /** What each kind's thresholds are compared with. */
      measures: z.record(z.string(), z.string()),
      version: z.int().min(0).describe('0 while the defaults are in force'),
      updatedAt: Timestamp.optional(),
      updatedBy: Actor.optional(),
    })
    .meta({ id: 'ApprovalPolicy' }),
);

export const ApprovalStep = z.lazy(() =>
  z
    .object({
      role: z.string(),
      status: StepStatus,
      timeoutSeconds: z.int(),
      onTimeout: z.union([z.literal('reject'), z.object({ escalateTo: z.string() })]),
      openedAt: Timestamp.optional(),
      dueAt: Timestamp.optional(),
      decidedBy: Actor.optional(),
      decidedAt: Timestamp.optional(),
      comment: z.string().optional(),
      escalatedFrom: z.int().optional().describe('Index of the step whose timeout opened this one'),
    })
    .meta({ id: 'ApprovalStep' }),
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
      appliedAt: Timestamp.optional().describe('When the workflow executed the approved change'),
      revertedAt: Timestamp.optional().describe('When the workflow returned the subject to its prior state'),
      failure: z.object({ error: z.string(), cause: z.string().optional() }).optional(),
      version: z.int().min(1),
      createdAt: Timestamp,
      updatedAt: Timestamp,
      updatedBy: Actor,
    })
    .meta({ id: 'Approval' }),
);
export type ApprovalView = z.infer<typeof Approval>;

/** What a command that needs an approval answers (202). */
export const ApprovalAccepted = z.lazy(() => z.object({ approval: Approval }).meta({ id: 'ApprovalAccepted' }));

const booleanFlag = z.lazy(() => z.enum(['true', 'false']).transform((v) => v === 'true'));

export const ListApprovalsQuery = z.lazy(() =>
  z.strictObject({
    status: ApprovalStatus.optional().describe('Default: pending'),
    kind: ApprovalKind.optional(),
    mine: booleanFlag.default(false).describe('true: my inbox — open steps for any of my roles, most urgent first'),
    ...Pagination,
  }),
);

export const DecisionBody = z.lazy(() => z.strictObject({ comment: z.string().trim().min(1).max(2000).optional() }));
