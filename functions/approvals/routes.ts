import { defineRoutes } from '../shared/http/route';
import { IdParams, page } from '../shared/schemas';
import { Approval, ApprovalPolicy, DecisionBody, ListApprovalsQuery, PutPolicyBody } from './schemas';

const approvals = { module: 'approvals', api: 'admin' } as const;

export const approvalRoutes = defineRoutes([
  {
    ...approvals,
    operationId: 'getApprovalPolicy',
    method: 'GET',
    path: '/approval-policies',
    summary: 'The approval policy in force: per kind, thresholds → ordered steps (role, timeout, on timeout)',
    access: { permission: 'approvals:read' },
    responses: { 200: ApprovalPolicy },
  },
  {
    ...approvals,
    operationId: 'putApprovalPolicy',
    method: 'PUT',
    path: '/approval-policies',
    summary: 'Replace the approval policy (every kind); unknown roles → 400; If-Match the version replaced (0: the defaults)',
    access: { permission: 'approval_policies:write' },
    body: PutPolicyBody,
    ifMatch: 'optional',
    responses: { 200: ApprovalPolicy },
  },
  {
    ...approvals,
    operationId: 'listApprovals',
    method: 'GET',
    path: '/approvals',
    summary: 'Approvals by status (default pending) and kind; mine=true: my inbox, most urgent first',
    access: { permission: 'approvals:read' },
    query: ListApprovalsQuery,
    responses: { 200: page(Approval) },
  },
  {
    ...approvals,
    operationId: 'getApproval',
    method: 'GET',
    path: '/approvals/{id}',
    summary: 'An approval with every step: role, status, who decided when, comment',
    access: { permission: 'approvals:read' },
    params: IdParams,
    responses: { 200: Approval },
  },
  {
    ...approvals,
    operationId: 'approveApproval',
    method: 'POST',
    path: '/approvals/{id}/approve',
    summary: 'Approve the open step (its role or admin; never your own request, never two steps of one approval)',
    access: { permission: 'approvals:decide' },
    params: IdParams,
    body: DecisionBody,
    responses: { 200: Approval },
  },
  {
    ...approvals,
    operationId: 'rejectApproval',
    method: 'POST',
    path: '/approvals/{id}/reject',
    summary: 'Reject the open step: the approval ends rejected and the subject returns to its prior state',
    access: { permission: 'approvals:decide' },
    params: IdParams,
    body: DecisionBody,
    responses: { 200: Approval },
  },
]);
