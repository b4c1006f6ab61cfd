import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeysCommand,
  UpdateApiKeyCommand,
  UpdateUsagePlanCommand,
} from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import type { PartnerRecord } from '../../functions/iam/partner-repository';
import { desiredPlan, needsSync, syncPartner } from '../../functions/iam/usage-plan-sync';
import { streamRecord } from '../support/stream-records';

jest.mock('../../functions/iam/partner-repository', () => ({ findPartner: jest.fn(), bindUsagePlan: jest.fn() }));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the mocked module, typed
const repository = require('../../functions/iam/partner-repository') as { findPartner: jest.Mock; bindUsagePlan: jest.Mock };

const apiGateway = mockClient(APIGatewayClient);
const partner: PartnerRecord = {
  id: '01J00000000000000000000009',
  name: 'Shop',
  scopes: ['catalog:read'],
  tier: 'standard',
  status: 'active',
  rateLimit: { requestsPerSecond: 10, burst: 20 },
  dailyQuota: 10_000,
  createdAt: '2026-01-01T00:00:00.000Z',
  version: 1,
};

beforeAll(() => {
  Object.assign(process.env, { PARTNER_REST_API_ID: 'api1', PARTNER_STAGE_NAME: 'live', TIER_USAGE_PLAN_IDS: JSON.stringify({ standard: 'plan-std', premium: 'plan-pre' }) });
});
beforeEach(() => {
  apiGateway.reset();
  repository.findPartner.mockReset();
  repository.bindUsagePlan.mockReset();
  apiGateway.on(GetApiKeysCommand).resolves({ items: [] });
  apiGateway.on(CreateApiKeyCommand).resolves({ id: 'key1', value: 'secret-usage-key' });
  apiGateway.on(CreateUsagePlanCommand).resolves({ id: 'plan-own' });
});

it('acts on new partners, limit or status changes and missing bindings only', () => {
  const bound = { ...partner, entityType: 'partner', usageApiKeyId: 'key1', usagePlanId: 'plan-std' };
  expect(needsSync(streamRecord(undefined, { ...partner, entityType: 'partner' }))).toBe(true);
  expect(needsSync(streamRecord(bound, { ...bound, name: 'Renamed' }))).toBe(false);
  expect(needsSync(streamRecord(bound, { ...bound, dailyQuota: 5 }))).toBe(true);
  expect(needsSync(streamRecord(bound, { ...bound, status: 'disabled' }))).toBe(true);
  expect(needsSync(streamRecord(undefined, { entityType: 'staff', id: 'x' }))).toBe(false);
});

it('puts partners on tier limits in the tier plan and others in a plan of their own', () => {
  expect(desiredPlan(partner)).toEqual({ kind: 'tier', tier: 'standard' });
  expect(desiredPlan({ ...partner, dailyQuota: 5 })).toEqual({ kind: 'own' });
});

it('creates the key, joins the tier plan and records the binding', async () => {
  repository.findPartner.mockResolvedValue(partner);
  await syncPartner(partner.id);
  expect(apiGateway.commandCalls(CreateUsagePlanKeyCommand)[0]!.args[0].input).toEqual({ usagePlanId: 'plan-std', keyId: 'key1', keyType: 'API_KEY' });
  expect(apiGateway.commandCalls(UpdateApiKeyCommand)[0]!.args[0].input.patchOperations).toEqual([{ op: 'replace', path: '/enabled', value: 'true' }]);
  expect(repository.bindUsagePlan).toHaveBeenCalledWith(partner.id, { usageIdentifierKey: 'secret-usage-key', usageApiKeyId: 'key1', usagePlanId: 'plan-std' }, expect.anything());
});

it('moves a partner with own limits to its own plan and leaves the tier plan', async () => {
  repository.findPartner.mockResolvedValue({ ...partner, dailyQuota: 5, usageApiKeyId: 'key1', usageIdentifierKey: 'secret-usage-key', usagePlanId: 'plan-std' });
  apiGateway.on(GetApiKeysCommand).resolves({ items: [{ id: 'key1', name: `partner-${partner.id}`, value: 'secret-usage-key' }] });
  await syncPartner(partner.id);
  expect(apiGateway.commandCalls(CreateApiKeyCommand)).toHaveLength(0);
  expect(apiGateway.commandCalls(CreateUsagePlanCommand)[0]!.args[0].input).toMatchObject({ quota: { limit: 5, period: 'DAY' }, apiStages: [{ apiId: 'api1', stage: 'live' }] });
  expect(apiGateway.commandCalls(CreateUsagePlanKeyCommand)[0]!.args[0].input.usagePlanId).toBe('plan-own');
  expect(apiGateway.commandCalls(DeleteUsagePlanKeyCommand)[0]!.args[0].input).toEqual({ usagePlanId: 'plan-std', keyId: 'key1' });
});

it('updates an own plan in place and disables the key of a disabled partner', async () => {
  repository.findPartner.mockResolvedValue({ ...partner, status: 'disabled', dailyQuota: 7, usageApiKeyId: 'key1', usageIdentifierKey: 'secret-usage-key', usagePlanId: 'plan-own' });
  apiGateway.on(GetApiKeysCommand).resolves({ items: [{ id: 'key1', name: `partner-${partner.id}`, value: 'secret-usage-key' }] });
  await syncPartner(partner.id);
  expect(apiGateway.commandCalls(UpdateUsagePlanCommand)[0]!.args[0].input.usagePlanId).toBe('plan-own');
  expect(apiGateway.commandCalls(CreateUsagePlanKeyCommand)).toHaveLength(0);
  expect(apiGateway.commandCalls(UpdateApiKeyCommand)[0]!.args[0].input.patchOperations).toEqual([{ op: 'replace', path: '/enabled', value: 'false' }]);
  expect(repository.bindUsagePlan).not.toHaveBeenCalled();
});
