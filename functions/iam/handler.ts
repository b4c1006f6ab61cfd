import type { StaffPrincipal } from '../shared/auth/principal';
import { forbidden } from '../shared/errors';
import { writeContextOf } from '../shared/http/context';
import { createHttpHandler } from '../shared/http/app';
import type { Principal } from '../shared/auth/principal';
import { createPartner, deletePartner, getPartner, issuePartnerKey, listPartnerKeys, listPartners, revokePartnerKey, rotatePartnerKey, updatePartner } from './partners';
import { createRole, deleteRole, getRole, listRoles, updateRole } from './roles';
import { iamRoutes } from './routes';
import { createStaff, getStaff, listStaff, setStaffRoles, setStaffStatus, updateStaff } from './staff';

function staffOnly(principal: Principal): StaffPrincipal {
  if (principal.kind !== 'staff') throw forbidden();
  return principal;
}

export const handler = createHttpHandler(iamRoutes, {
  getMe: async ({ principal }) => {
    const me = staffOnly(principal);
    return { status: 200, body: { id: me.id, email: me.email, name: me.name, roles: me.roles, permissions: me.grants } };
  },

  listRoles: async (req) => ({ status: 200, body: await listRoles(req.query.limit, req.query.cursor) }),
  getRole: async (req) => ({ status: 200, body: await getRole(req.params.name) }),
  createRole: async (req) => ({ status: 201, body: await createRole(req.body, writeContextOf(req)) }),
  updateRole: async (req) => ({ status: 200, body: await updateRole(req.params.name, req.body, req.ifMatch, writeContextOf(req)) }),
  deleteRole: async (req) => {
    await deleteRole(req.params.name, req.ifMatch, writeContextOf(req));
    return { status: 204, body: undefined };
  },

  listStaff: async (req) => ({ status: 200, body: await listStaff(req.query.limit, req.query.cursor) }),
  createStaff: async (req) => ({ status: 201, body: await createStaff(req.body, staffOnly(req.principal), writeContextOf(req)) }),
  getStaff: async (req) => ({ status: 200, body: await getStaff(req.params.id) }),
  updateStaff: async (req) => ({
    status: 200,
    body: await updateStaff(req.params.id, req.body, staffOnly(req.principal), req.ifMatch, writeContextOf(req)),
  }),
  setStaffRoles: async (req) => {
    const result = await setStaffRoles(req.params.id, req.body.roles, staffOnly(req.principal), req.ifMatch, writeContextOf(req));
    if ('approval' in result) {
      return { status: 202, body: result, headers: { location: `/admin/v1/approvals/${result.approval.id}` } };
    }
    return { status: 200, body: result.staff };
  },
  disableStaff: async (req) => ({
    status: 200,
    body: await setStaffStatus(req.params.id, 'disabled', staffOnly(req.principal), req.ifMatch, writeContextOf(req)),
  }),
  enableStaff: async (req) => ({
    status: 200,
    body: await setStaffStatus(req.params.id, 'active', staffOnly(req.principal), req.ifMatch, writeContextOf(req)),
  }),

  listPartners: async (req) => ({ status: 200, body: await listPartners(req.query.limit, req.query.cursor) }),
  createPartner: async (req) => ({ status: 201, body: await createPartner(req.body, writeContextOf(req)) }),
  getPartner: async (req) => ({ status: 200, body: await getPartner(req.params.id) }),
  updatePartner: async (req) => ({ status: 200, body: await updatePartner(req.params.id, req.body, req.ifMatch, writeContextOf(req)) }),
  deletePartner: async (req) => {
    await deletePartner(req.params.id, req.ifMatch, writeContextOf(req));
    return { status: 204, body: undefined };
  },
  listPartnerKeys: async (req) => ({ status: 200, body: await listPartnerKeys(req.params.id, req.query.limit, req.query.cursor) }),
  issuePartnerKey: async (req) => ({ status: 201, body: await issuePartnerKey(req.params.id, req.body, writeContextOf(req)) }),
  revokePartnerKey: async (req) => {
    await revokePartnerKey(req.params.id, req.params.keyId, writeContextOf(req));
    return { status: 204, body: undefined };
  },
  rotatePartnerKey: async (req) => ({
    status: 201,
    body: await rotatePartnerKey(req.params.id, req.params.keyId, req.body.overlapSeconds, writeContextOf(req)),
  }),
});
