import { createHttpHandler } from '../shared/http/app';
import { writeContextOf } from '../shared/http/context';
import { idempotencyOf, replayHeaders, type CommandResult } from '../shared/idempotency';
import { recordPayment, recordRefund } from './payments';
import { getTrialBalance, listAccounts, listEntries } from './reports';
import { financeRoutes } from './routes';

/** 201; a replayed response says so. */
function created<T>(result: CommandResult<T>) {
  return { status: 201 as const, body: result.body, headers: replayHeaders(result) };
}

export const handler = createHttpHandler(financeRoutes, {
  createPayment: async (req) =>
    created(await recordPayment(req.params.id, req.body, idempotencyOf(req, 'createPayment', { required: false }), writeContextOf(req))),
  createRefund: async (req) => {
    const result = await recordRefund(req.params.id, req.body, idempotencyOf(req, 'createRefund', { required: false }), writeContextOf(req));
    if ('approval' in result.body) {
      // Held for an approval (docs/architecture.md#approvals): 202 with it.
      return { status: 202 as const, body: result.body, headers: { ...replayHeaders(result), location: `/admin/v1/approvals/${result.body.approval.id}` } };
    }
    return created({ ...result, body: result.body });
  },
  listLedgerAccounts: async () => ({ status: 200, body: await listAccounts() }),
  listLedgerEntries: async (req) => ({ status: 200, body: await listEntries(req.params.code, req.query.limit, req.query.cursor) }),
  getTrialBalance: async (req) => ({ status: 200, body: await getTrialBalance(req.query.currency) }),
});
