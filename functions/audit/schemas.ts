import * as z from 'zod';
import { Actor, Pagination, Timestamp } from '../shared/schemas';
import { AUDIT_ACTIONS, ENTITY_TYPE_PATTERN } from './audit-entry';

/** A time-range listing (no entity, no actor) covers at most this many days: one day partition per page. */
export const MAX_RANGE_DAYS = 31;

const EntityType = z.lazy(() =>
  z
    .string()
    .regex(ENTITY_TYPE_PATTERN, 'A lower-case entity type such as product, order or partner_key')
    .describe('product, order, partner_key, … (DESIGN §14)'),
);
const EntityId = z.lazy(() => z.string().min(1).max(512));
const ActorParam = z.lazy(() => z.string().regex(/^(staff|partner|system):[^\s]{1,200}$/, 'staff:<id>, partner:<id> or system:<component>'));

/** A date-time (UTC) or a date: `from=2026-03-01` means its first millisecond, `to=2026-03-31` its last. */
const bound = (edge: 'start' | 'end') =>
  z
    .union([z.iso.datetime(), z.iso.date()])
    .transform((value) =>
      value.length === 10 ? `${value}T${edge === 'start' ? '00:00:00.000' : '23:59:59.999'}Z` : new Date(value).toISOString(),
    );

export const ListAuditQuery = z.lazy(() =>
  z
    .strictObject({
      entityType: EntityType.optional(),
      entityId: EntityId.optional(),
      actor: ActorParam.optional(),
      from: bound('start').optional(),
      to: bound('end').optional(),
      ...Pagination,
    })
    .superRefine((query, ctx) => {
      if ((query.entityType === undefined) !== (query.entityId === undefined)) {
        const missing = query.entityType === undefined ? 'entityType' : 'entityId';
        ctx.addIssue({ code: 'custom', path: [missing], message: 'entityType and entityId go together' });
      }
      if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
        ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must not be after to' });
      }
      if (query.entityType === undefined && query.entityId === undefined && query.actor === undefined) {
        // A time-range listing reads one byDay partition per page: it needs both bounds, not too far apart.
        for (const edge of ['from', 'to'] as const) {
          if (query[edge] === undefined) ctx.addIssue({ code: 'custom', path: [edge], message: 'Required unless entityType/entityId or actor is given' });
        }
        if (query.from !== undefined && query.to !== undefined) {
          const days = (Date.parse(query.to) - Date.parse(query.from)) / 86_400_000;
          if (days > MAX_RANGE_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `A time range spans at most ${MAX_RANGE_DAYS} days` });
        }
      }
    }),
);

export const VerifyAuditQuery = z.lazy(() => z.strictObject({ entityType: EntityType, entityId: EntityId }));

export const FieldChange = z.lazy(() => z.object({ field: z.string(), before: z.unknown(), after: z.unknown() }).meta({ id: 'AuditFieldChange' }));

export const AuditEntry = z.lazy(() =>
  z
    .object({
      seq: z.int().min(1),
      at: Timestamp,
      actor: Actor,
      action: z.enum(AUDIT_ACTIONS),
      entityType: z.string(),
      entityId: z.string(),
      changes: z.array(FieldChange),
      requestId: z.string().nullable(),
      sourceIp: z.string().nullable(),
      hash: z.string().describe('sha256(prevHash + canonical entry), hex'),
      prevHash: z.string(),
      legalHold: z.boolean(),
      expiresAt: Timestamp.optional().describe('When the entry may expire; absent under legal hold'),
    })
    .meta({ id: 'AuditEntry' }),
);

export const VerifyResult = z.lazy(() =>
  z
    .union([
      z.object({
        ok: z.literal(true),
        entries: z.int().min(0).describe('Entries verified'),
        expired: z.int().min(1).optional().describe('Entries already removed by the retention period'),
        headHash: z.string().optional().describe('Hash of the latest entry'),
      }),
      z.object({
        ok: z.literal(false),
        brokenAt: z.int().min(1).describe('The first sequence number that does not verify'),
        reason: z.enum(['missing-entry', 'hash-mismatch', 'head-mismatch']),
      }),
    ])
    .meta({ id: 'AuditVerifyResult' }),
);

export type ListAuditQuery = z.infer<typeof ListAuditQuery>;
export type AuditEntry = z.infer<typeof AuditEntry>;
export type VerifyResult = z.infer<typeof VerifyResult>;
