import { approvalKinds, approvalRoleExists } from '../approval-kinds';
import type { StaffPrincipal } from '../shared/auth/principal';
import type { Principal } from '../shared/auth/principal';
import { forbidden } from '../shared/errors';
import { createHttpHandler } from '../shared/http/app';
import { writeContextOf } from '../shared/http/context';
import { decideApproval, getApproval, listApprovals } from './approvals';
import { getPolicy, replacePolicy } from './policies';
import { approvalRoutes } from './routes';

function staffOnly(principal: Principal): StaffPrincipal {
  if (principal.kind !== 'staff') throw forbidden();
  return principal;
}

export const handler = createHttpHandler(approvalRoutes, {
  getApprovalPolicy: async () => ({ status: 200, body: await getPolicy({ kinds: approvalKinds }) }),
  putApprovalPolicy: async (req) => ({
    status: 200,
    body: await replacePolicy(req.body, req.ifMatch, writeContextOf(req), { kinds: approvalKinds, roleExists: approvalRoleExists }),
  }),
  listApprovals: async (req) => ({ status: 200, body: await listApprovals(req.query, staffOnly(req.principal)) }),
  getApproval: async (req) => ({ status: 200, body: await getApproval(req.params.id) }),
  approveApproval: async (req) => ({
    status: 200,
    body: await decideApproval(req.params.id, 'approve', req.body.comment, staffOnly(req.principal), writeContextOf(req)),
  }),
  rejectApproval: async (req) => ({
    status: 200,
    body: await decideApproval(req.params.id, 'reject', req.body.comment, staffOnly(req.principal), writeContextOf(req)),
  }),
});
