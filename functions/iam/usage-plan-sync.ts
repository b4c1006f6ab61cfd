import { randomBytes } from 'node:crypto';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import {
  APIGatewayClient,
  ConflictException,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeysCommand,
  NotFoundException,
  UpdateApiKeyCommand,
  UpdateUsagePlanCommand,
} from '@aws-sdk/client-api-gateway';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { PARTNER_TIERS } from '../shared/schema/partner-tiers';
import { nowIso } from '../shared/clock';
import { requireEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { imagesOf } from '../shared/stream-images';
import { bindUsagePlan, findPartner, type PartnerRecord } from './partner-repository';

/**
 * AWS only: gives every partner an API Gateway API key in the right usage plan, so the REST API
 * throttles and meters each partner (API key source AUTHORIZER: the partner authorizer returns the
 * key as `usageIdentifierKey`). Partners on their tier's limits share the tier's plan; partners with
 * their own limits get a plan of their own. A disabled partner's key is disabled too.
 * Locally the gateway applies the partner record's limits itself (local/usage-plans.ts).
 */
const RELEVANT: (keyof PartnerRecord)[] = ['tier', 'rateLimit', 'dailyQuota', 'status'];

/** True when the change needs API Gateway work: a new partner, changed limits or status, or no binding yet. */
export function needsSync(record: DynamoDBRecord): boolean {
  const { before, after } = imagesOf(record);
  if (!after || after.entityType !== 'partner') return false;
  if (!after.usageApiKeyId) return true;
  return RELEVANT.some((field) => JSON.stringify(before?.[field]) !== JSON.stringify(after[field]));
}

/** The tier plan when the partner uses its tier's limits, otherwise a plan of its own. */
export function desiredPlan(partner: Pick<PartnerRecord, 'tier' | 'rateLimit' | 'dailyQuota'>): { kind: 'tier'; tier: string } | { kind: 'own' } {
  const tier = PARTNER_TIERS[partner.tier];
  const onTier =
    tier.requestsPerSecond === partner.rateLimit.requestsPerSecond && tier.burst === partner.rateLimit.burst && tier.dailyQuota === partner.dailyQuota;
  return onTier ? { kind: 'tier', tier: partner.tier } : { kind: 'own' };
}

const apiGateway = new APIGatewayClient({});
const settings = () => ({
  restApiId: requireEnv('PARTNER_REST_API_ID'),
  stage: requireEnv('PARTNER_STAGE_NAME'),
  tierPlans: JSON.parse(requireEnv('TIER_USAGE_PLAN_IDS')) as Record<string, string>,
});

async function ensureApiKey(partner: PartnerRecord): Promise<{ id: string; value: string }> {
  const name = `partner-${partner.id}`;
  // A retry after a failed binding write finds the key it created before.
  const existing = await apiGateway.send(new GetApiKeysCommand({ nameQuery: name, includeValues: true }));
  const found = existing.items?.find((key) => key.name === name);
  if (found?.id && found.value) return { id: found.id, value: found.value };
  const created = await apiGateway.send(
    new CreateApiKeyCommand({ name, value: randomBytes(30).toString('base64url'), enabled: partner.status === 'active', description: partner.name }),
  );
  return { id: created.id!, value: created.value! };
}

async function ensurePlan(partner: PartnerRecord): Promise<string> {
  const { restApiId, stage, tierPlans } = settings();
  const desired = desiredPlan(partner);
  if (desired.kind === 'tier') {
    const planId = tierPlans[desired.tier];
    if (!planId) throw new Error(`No usage plan for tier ${desired.tier}`);
    return planId;
  }
  const limits = { rateLimit: partner.rateLimit.requestsPerSecond, burstLimit: partner.rateLimit.burst };
  const ownPlan = partner.usagePlanId && !Object.values(tierPlans).includes(partner.usagePlanId) ? partner.usagePlanId : undefined;
  if (ownPlan) {
    await apiGateway.send(
      new UpdateUsagePlanCommand({
        usagePlanId: ownPlan,
        patchOperations: [
          { op: 'replace', path: '/throttle/rateLimit', value: String(limits.rateLimit) },
          { op: 'replace', path: '/throttle/burstLimit', value: String(limits.burstLimit) },
          { op: 'replace', path: '/quota/limit', value: String(partner.dailyQuota) },
        ],
      }),
    );
    return ownPlan;
  }
  const created = await apiGateway.send(
    new CreateUsagePlanCommand({
      name: `partner-${partner.id}`,
      description: `Own limits of partner ${partner.name}`,
      throttle: limits,
      quota: { limit: partner.dailyQuota, period: 'DAY' },
      apiStages: [{ apiId: restApiId, stage }],
    }),
  );
  return created.id!;
}

export async function syncPartner(partnerId: string): Promise<void> {
  // The current record, not the stream image: several changes may have piled up.
  const partner = await findPartner(partnerId);
  if (!partner) return;
  const key = await ensureApiKey(partner);
  const planId = await ensurePlan(partner);
  if (partner.usagePlanId !== planId) {
    try {
      await apiGateway.send(new CreateUsagePlanKeyCommand({ usagePlanId: planId, keyId: key.id, keyType: 'API_KEY' }));
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error; // already in the plan
    }
    if (partner.usagePlanId) {
      try {
        await apiGateway.send(new DeleteUsagePlanKeyCommand({ usagePlanId: partner.usagePlanId, keyId: key.id }));
      } catch (error) {
        if (!(error instanceof NotFoundException)) throw error;
      }
    }
  }
  await apiGateway.send(
    new UpdateApiKeyCommand({ apiKey: key.id, patchOperations: [{ op: 'replace', path: '/enabled', value: String(partner.status === 'active') }] }),
  );
  if (partner.usageApiKeyId !== key.id || partner.usagePlanId !== planId || partner.usageIdentifierKey !== key.value) {
    await bindUsagePlan(partner.id, { usageIdentifierKey: key.value, usageApiKeyId: key.id, usagePlanId: planId }, {
      actor: 'system:usage-plan-sync',
      requestId: 'stream',
      sourceIp: 'aws',
      at: nowIso(),
    });
  }
}

export const handler = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return processPartialResponse(
    event,
    async (record: DynamoDBRecord) => {
      if (!needsSync(record)) return;
      const partnerId = String(imagesOf(record).after!.id);
      await syncPartner(partnerId);
      logger.info('Usage plan synced', { partnerId });
    },
    processor,
    { context, processInParallel: false },
  );
};
