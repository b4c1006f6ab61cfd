import * as z from 'zod';
import { PARTNER_TIER_NAMES } from '../../lib/schema/partner-tiers';
import { isKnownGrant, SCOPES } from '../shared/auth/permissions';
import { Actor, Id, Pagination, Timestamp } from '../shared/schemas';

export const Me = z.lazy(() =>
  z
    .object({
      id: Id,
      email: z.email(),
      name: z.string(),
      roles: z.array(z.string()),
      permissions: z.array(z.string()).describe('Effective grants of all roles; `*` and `resource:*` are wildcards'),
    })
    .meta({ id: 'Me' }),
);

// Roles
export const RoleName = z.lazy(() => z.string().regex(/^[a-z][a-z0-9_-]{1,39}$/, 'Lower-case letters, digits, dash or underscore; 2–40 characters'));
const Grant = z.lazy(() => z.string().refine(isKnownGrant, { message: 'Unknown permission' }));
const Grants = z.lazy(() => z.array(Grant).min(1).max(100));
const RoleDescription = z.lazy(() => z.string().max(500));

export const RoleParams = z.lazy(() => z.strictObject({ name: RoleName }));
export const CreateRoleBody = z.lazy(() => z.strictObject({ name: RoleName, description: RoleDescription.optional(), permissions: Grants }));
export const UpdateRoleBody = z.lazy(() =>
  z
    .strictObject({ description: RoleDescription.optional(), permissions: Grants.optional() })
    .refine((body) => Object.keys(body).length > 0, { message: 'Give at least one field to change' }),
);
export const ListRolesQuery = z.lazy(() => z.strictObject({ ...Pagination }));

export const Role = z.lazy(() =>
  z
    .object({
      name: z.string(),
      description: z.string().optional(),
      permissions: z.array(z.string()),
      builtIn: z.boolean(),
      assignedCount: z.int().optional().describe('Staff members holding this custom role'),
      version: z.int().optional(),
      createdAt: Timestamp.optional(),
      updatedAt: Timestamp.optional(),
      updatedBy: Actor.optional(),
    })
    .meta({ id: 'Role' }),
);

// Staff
export const STAFF_STATUSES = ['active', 'disabled'] as const;
const Email = z.lazy(() => z.email().max(254).transform((email) => email.toLowerCase()));
const PersonName = z.lazy(() => z.string().trim().min(1).max(200));
const RoleList = z.lazy(() => z.array(RoleName).max(20).refine((roles) => new Set(roles).size === roles.length, { message: 'Roles must not repeat' }));

export const CreateStaffBody = z.lazy(() => z.strictObject({ email: Email, name: PersonName, roles: RoleList.default([]) }));
export const UpdateStaffBody = z.lazy(() =>
  z
    .strictObject({ email: Email.optional(), name: PersonName.optional() })
    .refine((body) => Object.keys(body).length > 0, { message: 'Give at least one field to change' }),
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
      pendingRoleChange: z
        .object({ approvalId: Id, roles: z.array(z.string()) })
        .optional()
        .describe('A role change (granting admin) waiting for its approval; no other role change is accepted meanwhile'),
    })
    .meta({ id: 'Staff' }),
);

// Partners
export const PartnerTier = z.lazy(() => z.enum(PARTNER_TIER_NAMES));
export const Scope = z.lazy(() => z.enum(SCOPES));
const Scopes = z.lazy(() => z.array(Scope).min(1).refine((scopes) => new Set(scopes).size === scopes.length, { message: 'Scopes must not repeat' }));
const RateLimit = z.lazy(() => z.strictObject({ requestsPerSecond: z.int().min(1).max(10_000), burst: z.int().min(1).max(20_000) }));
const DailyQuota = z.lazy(() => z.int().min(1).max(1_000_000_000));

export const CreatePartnerBody = z.lazy(() =>
  z.strictObject({
    name: z.string().trim().min(1).max(200),
    scopes: Scopes,
    tier: PartnerTier.default('standard'),
    rateLimit: RateLimit.optional().describe('Overrides the tier’s throttle'),
    dailyQuota: DailyQuota.optional().describe('Overrides the tier’s daily quota'),
  }),
);
export const UpdatePartnerBody = z.lazy(() =>
  z
    .strictObject({
      name: z.string().trim().min(1).max(200).optional(),
      scopes: Scopes.optional(),
      tier: PartnerTier.optional(),
      rateLimit: RateLimit.optional(),
      dailyQuota: DailyQuota.optional(),
      status: z.enum(['active', 'disabled']).optional(),
    })
    .refine((body) => Object.keys(body).length > 0, { message: 'Give at least one field to change' }),
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
    .meta({ id: 'Partner' }),
);

// Partner API keys
export const KeyParams = z.lazy(() => z.strictObject({ id: Id, keyId: Id }));
export const IssueKeyBody = z.lazy(() =>
  z.strictObject({
    scopes: Scopes.optional().describe('A subset of the partner’s scopes; all of them by default'),
    expiresAt: Timestamp.optional(),
  }),
);
export const RotateKeyBody = z.lazy(() =>
  z.strictObject({
    overlapSeconds: z.int().min(0).max(7 * 24 * 3600).default(24 * 3600).describe('How long the old key keeps working'),
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
      expiresAt: Timestamp.optional(),
      revokedAt: Timestamp.optional(),
      graceUntil: Timestamp.optional().describe('After a rotation: the old key works until then'),
      replacedBy: Id.optional(),
    })
    .meta({ id: 'ApiKey' }),
);

export const IssuedKey = z.lazy(() =>
  z
    .object({
      id: Id,
      partnerId: Id,
      key: z.string().describe('The secret key: shown only in this response'),
      prefix: z.string(),
      scopes: z.array(z.string()),
      expiresAt: Timestamp.nullable(),
      createdAt: Timestamp,
    })
    .meta({ id: 'IssuedKey' }),
);

export type StaffView = z.infer<typeof Staff>;
export type PartnerView = z.infer<typeof Partner>;
export type RoleView = z.infer<typeof Role>;
export type ApiKeyView = z.infer<typeof ApiKey>;
