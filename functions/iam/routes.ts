import { ApprovalAccepted } from '../approvals/schemas';
import { defineRoutes } from '../shared/http/route';
import { IdParams, page } from '../shared/schemas';
import {
  ApiKey,
  CreatePartnerBody,
  CreateRoleBody,
  CreateStaffBody,
  IssuedKey,
  IssueKeyBody,
  KeyParams,
  ListKeysQuery,
  ListPartnersQuery,
  ListRolesQuery,
  ListStaffQuery,
  Me,
  Partner,
  Role,
  RoleParams,
  RotateKeyBody,
  SetRolesBody,
  Staff,
  UpdatePartnerBody,
  UpdateRoleBody,
  UpdateStaffBody,
} from './schemas';

const iam = { module: 'iam', api: 'admin' } as const;

export const iamRoutes = defineRoutes([
  { ...iam, operationId: 'getMe', method: 'GET', path: '/me', summary: 'Who am I', description: 'The calling staff member with their roles and effective permissions, as a frontend needs them to show or hide actions.', access: { authenticated: true }, responses: { 200: Me } },

  // Roles
  { ...iam, operationId: 'listRoles', method: 'GET', path: '/roles', summary: 'List roles', description: 'The built-in roles first, then custom roles, each with its permissions.', access: { permission: 'roles:read' }, query: ListRolesQuery, responses: { 200: page(Role) } },
  { ...iam, operationId: 'getRole', method: 'GET', path: '/roles/{name}', summary: 'Get a role', description: 'A built-in or custom role and the permissions it grants.', access: { permission: 'roles:read' }, params: RoleParams, responses: { 200: Role } },
  { ...iam, operationId: 'createRole', method: 'POST', path: '/roles', summary: 'Create a custom role', description: 'A custom role grants permissions as `resource:action`, with `*` wildcards (`products:*`, `*`). The name must be free and not a built-in role (409); an unknown permission is 400.', access: { permission: 'roles:write' }, body: CreateRoleBody, responses: { 201: Role } },
  { ...iam, operationId: 'updateRole', method: 'PATCH', path: '/roles/{name}', summary: 'Change a custom role', description: 'Changes the description or permissions of a custom role; built-in roles cannot change (409). Members holding it get the new permissions on their next request.', access: { permission: 'roles:write' }, params: RoleParams, body: UpdateRoleBody, ifMatch: 'optional', responses: { 200: Role } },
  { ...iam, operationId: 'deleteRole', method: 'DELETE', path: '/roles/{name}', summary: 'Delete a custom role', description: 'Soft-deletes a custom role nobody holds: while anyone holds it the answer is 409, and built-in roles cannot be deleted.', access: { permission: 'roles:write' }, params: RoleParams, ifMatch: 'optional', responses: { 204: null } },

  // Staff
  { ...iam, operationId: 'listStaff', method: 'GET', path: '/staff', summary: 'List staff members', description: 'Staff members, newest first.', access: { permission: 'staff:read' }, query: ListStaffQuery, responses: { 200: page(Staff) } },
  { ...iam, operationId: 'createStaff', method: 'POST', path: '/staff', summary: 'Create a staff member', description: 'Creates a member with a unique email (409 when taken) and their roles. The admin role is only granted through an approval (409 here: grant it afterwards with setStaffRoles).', access: { permission: 'staff:write' }, body: CreateStaffBody, responses: { 201: Staff } },
  { ...iam, operationId: 'getStaff', method: 'GET', path: '/staff/{id}', summary: 'Get a staff member', description: 'A staff member with roles and status.', access: { permission: 'staff:read' }, params: IdParams, responses: { 200: Staff } },
  { ...iam, operationId: 'updateStaff', method: 'PATCH', path: '/staff/{id}', summary: 'Change a staff member', description: 'Changes the name or email of a member; an email already taken is 409.', access: { permission: 'staff:write' }, params: IdParams, body: UpdateStaffBody, ifMatch: 'optional', responses: { 200: Staff } },
  { ...iam, operationId: 'setStaffRoles', method: 'PUT', path: '/staff/{id}/roles', summary: 'Replace a member’s roles', description: 'Replaces every role of a member, never your own (403); only an admin grants or removes admin. Granting admin answers 202 with the approval another admin decides (`Location` points at it).', location: [202], access: { permission: 'staff:write' }, params: IdParams, body: SetRolesBody, ifMatch: 'optional', responses: { 200: Staff, 202: ApprovalAccepted } },
  { ...iam, operationId: 'disableStaff', method: 'POST', path: '/staff/{id}/disable', summary: 'Disable a staff member', description: 'A disabled member is refused (401) from their next request on, whatever token they hold. Not your own account; an already disabled member is 409.', access: { permission: 'staff:write' }, params: IdParams, ifMatch: 'optional', responses: { 200: Staff } },
  { ...iam, operationId: 'enableStaff', method: 'POST', path: '/staff/{id}/enable', summary: 'Enable a staff member', description: 'Lets a disabled member sign in again. An already active member is 409.', access: { permission: 'staff:write' }, params: IdParams, ifMatch: 'optional', responses: { 200: Staff } },

  // Partners and their keys
  { ...iam, operationId: 'listPartners', method: 'GET', path: '/partners', summary: 'List partners', description: 'Partners, newest first.', access: { permission: 'partners:read' }, query: ListPartnersQuery, responses: { 200: page(Partner) } },
  { ...iam, operationId: 'createPartner', method: 'POST', path: '/partners', summary: 'Create a partner', description: 'Creates a partner with its scopes, tier (rate limit and daily quota) and status. Keys are issued separately.', conflicts: false, access: { permission: 'partners:write' }, body: CreatePartnerBody, responses: { 201: Partner } },
  { ...iam, operationId: 'getPartner', method: 'GET', path: '/partners/{id}', summary: 'Get a partner', description: 'A partner with scopes, tier and status.', access: { permission: 'partners:read' }, params: IdParams, responses: { 200: Partner } },
  { ...iam, operationId: 'updatePartner', method: 'PATCH', path: '/partners/{id}', summary: 'Change a partner', description: 'Changes scopes, tier, limits or status; a disabled partner’s keys stop working at once.', conflicts: false, access: { permission: 'partners:write' }, params: IdParams, body: UpdatePartnerBody, ifMatch: 'optional', responses: { 200: Partner } },
  { ...iam, operationId: 'deletePartner', method: 'DELETE', path: '/partners/{id}', summary: 'Delete a partner', description: 'Disables the partner at once (its keys stop working) and keeps it for the audit trail.', conflicts: false, access: { permission: 'partners:write' }, params: IdParams, ifMatch: 'optional', responses: { 204: null } },
  { ...iam, operationId: 'listPartnerKeys', method: 'GET', path: '/partners/{id}/keys', summary: 'List a partner’s API keys', description: 'The keys of a partner without their secrets: scopes, expiry, revocation and rotation.', access: { permission: 'partners:read' }, params: IdParams, query: ListKeysQuery, responses: { 200: page(ApiKey) } },
  { ...iam, operationId: 'issuePartnerKey', method: 'POST', path: '/partners/{id}/keys', summary: 'Issue an API key', description: 'Issues a key with some or all of the partner’s scopes. The secret is in this answer only and stored as a hash. A disabled partner is 409; a scope the partner does not hold is 400.', access: { permission: 'partners:write' }, params: IdParams, body: IssueKeyBody, responses: { 201: IssuedKey } },
  { ...iam, operationId: 'revokePartnerKey', method: 'DELETE', path: '/partners/{id}/keys/{keyId}', summary: 'Revoke an API key', description: 'The key is refused from its next request on. An already revoked key is 409.', access: { permission: 'partners:write' }, params: KeyParams, responses: { 204: null } },
  { ...iam, operationId: 'rotatePartnerKey', method: 'POST', path: '/partners/{id}/keys/{keyId}/rotate', summary: 'Rotate an API key', description: 'Issues a replacement with the same scopes; the old key keeps working for the overlap window. A revoked or already rotated key is 409.', access: { permission: 'partners:write' }, params: KeyParams, body: RotateKeyBody, responses: { 201: IssuedKey } },
]);
