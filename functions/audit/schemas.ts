import * as z from 'zod/mini';
import { Actor, Pagination, Timestamp, described } from '../shared/schemas';
import { AUDIT_ACTIONS, ENTITY_TYPE_PATTERN } from './audit-entry';

/** A time-range listing (no entity, no actor) covers at most this many days: one day partition per page. */
export const MAX_RANGE_DAYS = 31;

const EntityType = z.lazy(() =>
  described(
    z.string().check(z.regex(ENTITY_TYPE_PATTERN, 'A lower-case entity type such as product, order or partner_key')),
    'product, order, partner_key, … (lower-case singular names)',
  ),
);
const EntityId = z.lazy(() => z.string().check(z.minLength(1), z.maxLength(512)));
const ActorParam = z.lazy(() =>
  z.string().check(z.regex(/^(staff|partner|system):[^\s]{1,200}$/, 'staff:<id>, partner:<id> or system:<component>')),
);

/** A date-time (UTC) or a date: `from=2026-03-01` means its first millisecond, `to=2026-03-31` its last. */
const bound = (edge: 'start' | 'end') =>
  z.pipe(
    z.union([z.iso.datetime(), z.iso.date()]),
    z.transform((value) =>
      value.length === 10 ? `${value}T${edge === 'start' ? '00:00:00.000' : '23:59:59.999'}Z` : new Date(value).toISOString(),
    ),
  );

export const ListAuditQuery = z.lazy(() =>
  z
    .strictObject({
      entityType: z.optional(EntityType),
      entityId: z.optional(EntityId),
      actor: z.optional(ActorParam),
      from: z.optional(bound('start')),
      to: z.optional(bound('end')),
      ...Pagination,
    })
    .check(
      z.superRefine((query, ctx) => {
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
            if (query[edge] === undefined)
              ctx.addIssue({ code: 'custom', path: [edge], message: 'Required unless entityType/entityId or actor is given' });
          }
          if (query.from !== undefined && query.to !== undefined) {
            const days = (Date.parse(query.to) - Date.parse(query.from)) / 86_400_000;
            if (days > MAX_RANGE_DAYS)
              ctx.addIssue({ code: 'custom', path: ['to'], message: `A time range spans at most ${MAX_RANGE_DAYS} days` });
          }
        }
      }),
    ),
);

export const VerifyAuditQuery = z.lazy(() => z.strictObject({ entityType: EntityType, entityId: EntityId }));

export const FieldChange = z.lazy(() =>
  z.object({ field: z.string(), before: z.unknown(), after: z.unknown() }).register(z.globalRegistry, { id: 'AuditFieldChange' }),
);

export const AuditEntry = z.lazy(() =>
  z
    .object({
      seq: z.int().check(z.minimum(1)),
      at: Timestamp,
      actor: Actor,
      action: z.enum(AUDIT_ACTIONS),
      entityType: z.string(),
      entityId: z.string(),
      changes: z.array(FieldChange),
      requestId: z.nullable(z.string()),
      sourceIp: z.nullable(z.string()),
      hash: described(z.string(), 'sha256(prevHash + canonical entry), hex'),
      prevHash: z.string(),
      legalHold: z.boolean(),
      expiresAt: described(z.optional(Timestamp), 'When the entry may expire; absent under legal hold'),
    })
    .register(z.globalRegistry, { id: 'AuditEntry' }),
);

export const VerifyResult = z.lazy(() =>
  z
    .union([
      z.object({
        ok: z.literal(true),
        entries: described(z.int().check(z.minimum(0)), 'Entries verified'),
        expired: described(z.optional(z.int().check(z.minimum(1))), 'Entries already removed by the retention period'),
        headHash: described(z.optional(z.string()), 'Hash of the latest entry'),
      }),
      z.object({
        ok: z.literal(false),
        brokenAt: described(z.int().check(z.minimum(1)), 'The first sequence number that does not verify'),
        reason: z.enum(['missing-entry', 'hash-mismatch', 'head-mismatch']),
      }),
    ])
    .register(z.globalRegistry, { id: 'AuditVerifyResult' }),
);

export type ListAuditQuery = z.infer<typeof ListAuditQuery>;
export type AuditEntry = z.infer<typeof AuditEntry>;
export type VerifyResult = z.infer<typeof VerifyResult>;
