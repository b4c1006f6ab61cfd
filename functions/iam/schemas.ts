import * as z from 'zod/mini';
import { PARTNER_TIER_NAMES } from '../shared/schema/partner-tiers';
import { isKnownGrant, SCOPES } from '../shared/auth/permissions';
import { Actor, Id, Pagination, Timestamp, described } from '../shared/schemas';

export const Me = z.lazy(() =>
  z
    .object({
      id: Id,
      email: z.email(),
      name: z.string(),
      roles: z.array(z.string()),
      permissions: described(z.array(z.string()), 'Effective grants of all roles; `*` and `resource:*` are wildcards'),
    })
    .register(z.globalRegistry, { id: 'Me' }),
);

// Roles
export const RoleName = z.lazy(() =>
  z.string().check(z.regex(/^[a-z][a-z0-9_-]{1,39}$/, 'Lower-case letters, digits, dash or underscore; 2–40 characters')),
);
const Grant = z.lazy(() => z.string().check(z.refine(isKnownGrant, { message: 'Unknown permission' })));
const Grants = z.lazy(() => z.array(Grant).check(z.minLength(1), z.maxLength(100)));
const RoleDescription = z.lazy(() => z.string().check(z.maxLength(500)));

export const RoleParams = z.lazy(() => z.strictObject({ name: RoleName }));
export const CreateRoleBody = z.lazy(() =>
  z.strictObject({ name: RoleName, description: z.optional(RoleDescription), permissions: Grants }),
);
export const UpdateRoleBody = z.lazy(() =>
  z
    .strictObject({ description: z.optional(RoleDescription), permissions: z.optional(Grants) })
    .check(z.refine((body) => Object.keys(body).length > 0, { message: 'Give at least one field to change' })),
);
export const ListRolesQuery = z.lazy(() => z.strictObject({ ...Pagination }));

export const Role = z.lazy(() =>
  z
    .object({
      name: z.string(),
      description: z.optional(z.string()),
      permissions: z.array(z.string()),
      builtIn: z.boolean(),
      assignedCount: described(z.optional(z.int()), 'Staff members holding this custom role'),
      version: z.optional(z.int()),
      createdAt: z.optional(Timestamp),
      updatedAt: z.optional(Timestamp),
      updatedBy: z.optional(Actor),
    })
    .register(z.globalRegistry, { id: 'Role' }),
);

// Staff
export const STAFF_STATUSES = ['active', 'disabled'] as const;
const Email = z.lazy(() =>
  z.pipe(
    z.email().check(z.maxLength(254)),
    z.transform((email) => email.toLowerCase()),
  ),
);
const PersonName = z.lazy(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(200)));
const RoleList = z.lazy(() =>
  z.array(RoleName).check(
    z.maxLength(20),
    z.refine((roles) => new Set(roles).size === roles.length, { message: 'Roles must not repeat' }),
  ),
);

export const CreateStaffBody = z.lazy(() => z.strictObject({ email: Email, name: PersonName, roles: z._default(RoleList, []) }));
export const UpdateStaffBody = z.lazy(() =>
  z
    .strictObject({ email: z.optional(Email), name: z.optional(PersonName) })
    .check(z.refine((body) => Object.keys(body).length > 0, { message: 'Give at least one field to change' })),
);
export const SetRolesBody = z.lazy(() => z.strictObject({ roles: RoleList }));
export const ListStaffQuery = z.lazy(() => z.strictObject({ ...Pagination }));

export const Staff = z.lazy(() =>
  z
    .object({
      id: Id,
      email: z.string(),
      name: z.string(),
      roles: z.array(z.string()),
      status: z.enum(STAFF_STATUSES),
      version: z.int(),
      createdAt: Timestamp,
      updatedAt: Timestamp,
      updatedBy: Actor,
      pendingRoleChange: described(
        z.optional(z.object({ approvalId: Id, roles: z.array(z.string()) })),
        'A role change (granting admin) waiting for its approval; no other role change is accepted meanwhile',
      ),
    })
    .register(z.globalRegistry, { id: 'Staff' }),
);

// Partners
export const PartnerTier = z.lazy(() => z.enum(PARTNER_TIER_NAMES));
export const Scope = z.lazy(() => z.enum(SCOPES));
const Scopes = z.lazy(() =>
  z.array(Scope).check(
    z.minLength(1),
    z.refine((scopes) => new Set(scopes).size === scopes.length, { message: 'Scopes must not repeat' }),
  ),
);
const RateLimit = z.lazy(() =>
  z.strictObject({
    requestsPerSecond: z.int().check(z.minimum(1), z.maximum(10_000)),
    burst: z.int().check(z.minimum(1), z.maximum(20_000)),
  }),
);
const DailyQuota = z.lazy(() => z.int().check(z.minimum(1), z.maximum(1_000_000_000)));

export const CreatePartnerBody = z.lazy(() =>
  z.strictObject({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    scopes: Scopes,
    tier: z._default(PartnerTier, 'standard'),
    rateLimit: described(z.optional(RateLimit), 'Overrides the tier’s throttle'),
    dailyQuota: described(z.optional(DailyQuota), 'Overrides the tier’s daily quota'),
  }),
);
export const UpdatePartnerBody = z.lazy(() =>
  z
    .strictObject({
      name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
      scopes: z.optional(Scopes),
      tier: z.optional(PartnerTier),
      rateLimit: z.optional(RateLimit),
      dailyQuota: z.optional(DailyQuota),
      status: z.optional(z.enum(['active', 'disabled'])),
    })
    .check(z.refine((body) => Object.keys(body).length > 0, { message: 'Give at least one field to change' })),
);
export const ListPartnersQuery = z.lazy(() => z.strictObject({ ...Pagination }));

export const Partner = z.lazy(() =>
  z
    .object({
      id: Id,
      name: z.string(),
      scopes: z.array(z.string()),
      tier: PartnerTier,
      rateLimit: z.object({ requestsPerSecond: z.int(), burst: z.int() }),
      dailyQuota: z.int(),
      status: z.enum(['active', 'disabled']),
      version: z.int(),
      createdAt: Timestamp,
      updatedAt: Timestamp,
      updatedBy: Actor,
    })
    .register(z.globalRegistry, { id: 'Partner' }),
);

// Partner API keys
export const KeyParams = z.lazy(() => z.strictObject({ id: Id, keyId: Id }));
export const IssueKeyBody = z.lazy(() =>
  z.strictObject({
    scopes: described(z.optional(Scopes), 'A subset of the partner’s scopes; all of them by default'),
    expiresAt: z.optional(Timestamp),
  }),
);
export const RotateKeyBody = z.lazy(() =>
  z.strictObject({
    overlapSeconds: described(
      z._default(z.int().check(z.minimum(0), z.maximum(7 * 24 * 3600)), 24 * 3600),
      'How long the old key keeps working',
    ),
  }),
);
export const ListKeysQuery = z.lazy(() => z.strictObject({ ...Pagination }));

export const ApiKey = z.lazy(() =>
  z
    .object({
      id: Id,
      partnerId: Id,
      prefix: z.string(),
      scopes: z.array(z.string()),
      status: z.enum(['active', 'rotating', 'revoked', 'expired']),
      createdAt: Timestamp,
      expiresAt: z.optional(Timestamp),
      revokedAt: z.optional(Timestamp),
      graceUntil: described(z.optional(Timestamp), 'After a rotation: the old key works until then'),
      replacedBy: z.optional(Id),
    })
    .register(z.globalRegistry, { id: 'ApiKey' }),
);

export const IssuedKey = z.lazy(() =>
  z
    .object({
      id: Id,
      partnerId: Id,
      key: described(z.string(), 'The secret key: shown only in this response'),
      prefix: z.string(),
      scopes: z.array(z.string()),
      expiresAt: z.nullable(Timestamp),
      createdAt: Timestamp,
    })
    .register(z.globalRegistry, { id: 'IssuedKey' }),
);

export type StaffView = z.infer<typeof Staff>;
export type PartnerView = z.infer<typeof Partner>;
export type RoleView = z.infer<typeof Role>;
export type ApiKeyView = z.infer<typeof ApiKey>;
