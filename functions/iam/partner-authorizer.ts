import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { now } from '../shared/clock';
import { optionalEnv } from '../shared/env';
import { RATE_LIMIT_CONTEXT, rateLimitContext, utcDay } from '../shared/http/rate-limit';
import { logger } from '../shared/logger';
import { keyRefusal, parseKey, secretMatches } from './api-keys';
import { findApiKey, findPartner } from './partner-repository';
import { countPartnerRequest } from './usage-count-repository';

/**
 * AWS only: API Gateway does not tell the backend what is left of a usage plan's quota, so the
 * authorizer counts the partner's requests per UTC day itself (one UpdateItem) for the RateLimit
 * field. Locally the gateway is the usage plan and passes its exact count instead.
 */
const countRequests = () => optionalEnv('COUNT_PARTNER_REQUESTS', 'false') === 'true';

/**
 * REST API Lambda authorizer (REQUEST type, identity source `x-api-key`). Resolves the key to its
 * partner, scopes and usage-plan key; scope checks per route happen in the module Lambda, which
 * knows the route table. Throwing "Unauthorized" is how API Gateway is told to answer 401.
 */
export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  // REST APIs pass headers in the case the client sent them.
  const header = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'x-api-key')?.[1];
  const parsed = parseKey(header);
  if (!parsed) return refuse(event, 'malformed or missing key');
  const record = await findApiKey(parsed.keyId);
  if (!record || !secretMatches(parsed.secret, record.secretHash)) return refuse(event, 'unknown key');
  const refusal = keyRefusal(record, new Date(now()));
  if (refusal) return refuse(event, `${refusal} key ${record.prefix}`);
  // The partner's state wins over the key's: a disabled partner or a withdrawn scope applies at once.
  const partner = await findPartner(record.partnerId);
  if (!partner || partner.status !== 'active') return refuse(event, `partner of key ${record.prefix} is not active`);
  const scopes = record.scopes.filter((scope) => partner.scopes.includes(scope));
  // The plan's figures travel with the decision, so every answer can state the key's limits.
  const limits = rateLimitContext({ ...partner.rateLimit, dailyQuota: partner.dailyQuota });
  const counted = countRequests() ? { [RATE_LIMIT_CONTEXT.requestsToday]: await countPartnerRequest(partner.id, utcDay(now()), now()) } : {};

  // Allow the whole API so a cached decision serves every route; the module checks the scope.
  const [apiArn, stage] = event.methodArn.split('/');
  return {
    principalId: `partner:${record.partnerId}`,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${apiArn}/${stage}/*` }],
    },
    context: { partnerId: record.partnerId, keyId: record.keyId, scopes: scopes.join(' '), ...limits, ...counted },
    ...(partner.usageIdentifierKey ? { usageIdentifierKey: partner.usageIdentifierKey } : {}),
  };
}

function refuse(event: APIGatewayRequestAuthorizerEvent, reason: string): never {
  logger.warn('Partner key refused', { reason, path: event.path, method: event.httpMethod });
  throw new Error('Unauthorized');
}
