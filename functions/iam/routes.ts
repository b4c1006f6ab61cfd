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
  { ...iam, operationId: 'getMe', method: 'GET', path: '/me', summary: 'The calling staff member and their effective permissions', access: { authenticated: true }, responses: { 200: Me } },

  // Roles
  { ...iam, operationId: 'listRoles', method: 'GET', path: '/roles', summary: 'Built-in roles, then custom roles', access: { permission: 'roles:read' }, query: ListRolesQuery, responses: { 200: page(Role) } },
  { ...iam, operationId: 'getRole', method: 'GET', path: '/roles/{name}', summary: 'A role and its permissions', access: { permission: 'roles:read' }, params: RoleParams, responses: { 200: Role } },
  { ...iam, operationId: 'createRole', method: 'POST', path: '/roles', summary: 'Create a custom role (permissions `resource:action`, `*` wildcards)', access: { permission: 'roles:write' }, body: CreateRoleBody, responses: { 201: Role } },
  { ...iam, operationId: 'updateRole', method: 'PATCH', path: '/roles/{name}', summary: 'Change a custom role', access: { permission: 'roles:write' }, params: RoleParams, body: UpdateRoleBody, ifMatch: 'optional', responses: { 200: Role } },
  { ...iam, operationId: 'deleteRole', method: 'DELETE', path: '/roles/{name}', summary: 'Delete a custom role nobody holds', access: { permission: 'roles:write' }, params: RoleParams, ifMatch: 'optional', responses: { 204: null } },

  // Staff
  { ...iam, operationId: 'listStaff', method: 'GET', path: '/staff', summary: 'Staff members, newest first', access: { permission: 'staff:read' }, query: ListStaffQuery, responses: { 200: page(Staff) } },
  { ...iam, operationId: 'createStaff', method: 'POST', path: '/staff', summary: 'Create a staff member (unique email)', access: { permission: 'staff:write' }, body: CreateStaffBody, responses: { 201: Staff } },
  { ...iam, operationId: 'getStaff', method: 'GET', path: '/staff/{id}', summary: 'A staff member', access: { permission: 'staff:read' }, params: IdParams, responses: { 200: Staff } },
  { ...iam, operationId: 'updateStaff', method: 'PATCH', path: '/staff/{id}', summary: 'Change name or email', access: { permission: 'staff:write' }, params: IdParams, body: UpdateStaffBody, ifMatch: 'optional', responses: { 200: Staff } },
  { ...iam, operationId: 'setStaffRoles', method: 'PUT', path: '/staff/{id}/roles', summary: 'Replace a member’s roles (never your own); granting admin answers 202 with an approval (an admin approves)', access: { permission: 'staff:write' }, params: IdParams, body: SetRolesBody, ifMatch: 'optional', responses: { 200: Staff, 202: ApprovalAccepted } },
  { ...iam, operationId: 'disableStaff', method: 'POST', path: '/staff/{id}/disable', summary: 'Disable a member: their next request is refused, whatever token it holds', access: { permission: 'staff:write' }, params: IdParams, ifMatch: 'optional', responses: { 200: Staff } },
  { ...iam, operationId: 'enableStaff', method: 'POST', path: '/staff/{id}/enable', summary: 'Enable a disabled member', access: { permission: 'staff:write' }, params: IdParams, ifMatch: 'optional', responses: { 200: Staff } },

  // Partners and their keys
  { ...iam, operationId: 'listPartners', method: 'GET', path: '/partners', summary: 'Partners, newest first', access: { permission: 'partners:read' }, query: ListPartnersQuery, responses: { 200: page(Partner) } },
  { ...iam, operationId: 'createPartner', method: 'POST', path: '/partners', summary: 'Create a partner with scopes, tier and limits', access: { permission: 'partners:write' }, body: CreatePartnerBody, responses: { 201: Partner } },
  { ...iam, operationId: 'getPartner', method: 'GET', path: '/partners/{id}', summary: 'A partner', access: { permission: 'partners:read' }, params: IdParams, responses: { 200: Partner } },
  { ...iam, operationId: 'updatePartner', method: 'PATCH', path: '/partners/{id}', summary: 'Change a partner (scopes, tier, limits, status)', access: { permission: 'partners:write' }, params: IdParams, body: UpdatePartnerBody, ifMatch: 'optional', responses: { 200: Partner } },
  { ...iam, operationId: 'deletePartner', method: 'DELETE', path: '/partners/{id}', summary: 'Delete a partner: disabled at once (keys stop working), kept for the audit trail', access: { permission: 'partners:write' }, params: IdParams, ifMatch: 'optional', responses: { 204: null } },
  { ...iam, operationId: 'listPartnerKeys', method: 'GET', path: '/partners/{id}/keys', summary: 'A partner’s API keys, without secrets', access: { permission: 'partners:read' }, params: IdParams, query: ListKeysQuery, responses: { 200: page(ApiKey) } },
  { ...iam, operationId: 'issuePartnerKey', method: 'POST', path: '/partners/{id}/keys', summary: 'Issue an API key: the secret is shown once, stored only as a hash', access: { permission: 'partners:write' }, params: IdParams, body: IssueKeyBody, responses: { 201: IssuedKey } },
  { ...iam, operationId: 'revokePartnerKey', method: 'DELETE', path: '/partners/{id}/keys/{keyId}', summary: 'Revoke a key: refused from its next request on', access: { permission: 'partners:write' }, params: KeyParams, responses: { 204: null } },
  { ...iam, operationId: 'rotatePartnerKey', method: 'POST', path: '/partners/{id}/keys/{keyId}/rotate', summary: 'Issue a replacement; the old key works for the overlap window', access: { permission: 'partners:write' }, params: KeyParams, body: RotateKeyBody, responses: { 201: IssuedKey } },
]);
