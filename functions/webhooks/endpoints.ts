import { findPartner } from '../iam/partner-repository';
import { now, nowIso } from '../shared/clock';
import { ConditionFailed } from '../shared/conditional';
import { decodeCursor, encodeCursor } from '../shared/cursor';
import { badRequest, conflict, notFound, preconditionFailed, type FieldError } from '../shared/errors';
import { newId } from '../shared/ids';
import type { WriteContext } from '../shared/write-context';
import { mayReceive } from './catalogue';
import { findEndpoint, putEndpoint, queryPartnerEndpoints, updateEndpoint } from './endpoint-repository';
import type { WebhookEndpointRecord } from './model';
import { urlProblem } from './outbound';
import type { CreateWebhookInput, UpdateWebhookInput, Webhook } from './schemas';
import { newSigningSecret } from './signing';

/**
 * Webhook endpoints (docs/modules/webhooks.md#endpoints): a partner's own (partner API, scope
 * `webhooks:manage`) or any partner's (admin API, `partners:write`). The signing secret is shown once,
 * at creation and at rotation; a rotation keeps the old secret signing beside the new one for an overlap.
 */

/** Endpoints per partner: enough for a production and a staging receiver per kind of event. */
export const MAX_ENDPOINTS_PER_PARTNER = 10;
const DEFAULT_OVERLAP_SECONDS = 24 * 3600;

export function toWebhook(record: WebhookEndpointRecord): Webhook {
  const at = nowIso();
  const previous = record.secrets.find((secret) => secret.expiresAt !== undefined && secret.expiresAt > at);
  return {
    id: record.id,
    url: record.url,
    ...(record.description === undefined ? {} : { description: record.description }),
    eventTypes: record.eventTypes,
    enabled: record.enabled,
    ...(record.disabledReason === undefined ? {} : { disabledReason: record.disabledReason }),
    ...(record.disabledAt === undefined ? {} : { disabledAt: record.disabledAt }),
    ...(record.failingSince === undefined ? {} : { failingSince: record.failingSince }),
    ...(previous?.expiresAt ? { previousSecretExpiresAt: previous.expiresAt } : {}),
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    updatedBy: record.updatedBy,
  };
}

/** The partner's scopes; an unknown or deleted partner is 404. */
async function scopesOf(partnerId: string): Promise<string[]> {
  const partner = await findPartner(partnerId);
  if (!partner || partner.deletedAt) throw notFound('Partner');
  return partner.scopes;
}

function validate(input: { url?: string; eventTypes?: string[] }, scopes: readonly string[]): void {
  const errors: FieldError[] = [];
  const problem = input.url === undefined ? undefined : urlProblem(input.url);
  if (problem) errors.push({ path: 'body.url', message: problem });
  (input.eventTypes ?? []).forEach((type, index) => {
    if (!mayReceive(type, scopes)) errors.push({ path: `body.eventTypes.${index}`, message: `The partner's scopes do not cover ${type} events` });
  });
  if (errors.length > 0) throw badRequest('The webhook cannot be saved as sent', errors);
}

export async function createWebhook(partnerId: string, input: CreateWebhookInput, ctx: WriteContext): Promise<{ webhook: Webhook; secret: string }> {
  validate(input, await scopesOf(partnerId));
  const existing = await queryPartnerEndpoints(partnerId, MAX_ENDPOINTS_PER_PARTNER);
  if (existing.items.length >= MAX_ENDPOINTS_PER_PARTNER) throw conflict(`A partner has at most ${MAX_ENDPOINTS_PER_PARTNER} webhook endpoints`, 'too-many-webhooks');
  const secret = newSigningSecret();
  const record: WebhookEndpointRecord = {
    id: newId(),
    partnerId,
    url: input.url,
    ...(input.description === undefined ? {} : { description: input.description }),
    eventTypes: [...new Set(input.eventTypes)],
    enabled: input.enabled ?? true,
    secrets: [{ secret, createdAt: ctx.at }],
    version: 1,
    createdAt: ctx.at,
    updatedAt: ctx.at,
    updatedBy: ctx.actor,
  };
  await putEndpoint(record);
  return { webhook: toWebhook(record), secret };
}

export async function listWebhooks(partnerId: string, limit: number, cursor: string | undefined) {
  const binding = `webhooks|${partnerId}`;
  const page = await queryPartnerEndpoints(partnerId, limit, decodeCursor(cursor, binding));
  return { items: page.items.map(toWebhook), nextCursor: encodeCursor(page.lastKey, binding) };
}

/** A live endpoint of this partner; another partner's is 404, as if it did not exist. */
export async function ownEndpoint(partnerId: string, id: string): Promise<WebhookEndpointRecord> {
  const record = await findEndpoint(id);
  if (!record || record.partnerId !== partnerId || record.deletedAt) throw notFound('Webhook');
  return record;
}

export async function getWebhook(partnerId: string, id: string): Promise<Webhook> {
  return toWebhook(await ownEndpoint(partnerId, id));
}

function explain(error: unknown, expectedVersion: number | undefined): unknown {
  if (!(error instanceof ConditionFailed)) return error;
  if (!error.current || error.current.deletedAt) return notFound('Webhook');
  if (expectedVersion !== undefined && error.current.version !== expectedVersion) {
    return preconditionFailed(`The webhook is at version ${String(error.current.version)}, not ${expectedVersion}`);
  }
  return notFound('Webhook');
}

/** Enabling an endpoint again clears why delivery disabled it. */
export async function updateWebhook(partnerId: string, id: string, input: UpdateWebhookInput, expectedVersion: number | undefined, ctx: WriteContext): Promise<Webhook> {
  if (input.url !== undefined || input.eventTypes !== undefined) validate(input, await scopesOf(partnerId));
  const enabling = input.enabled === true;
  try {
    const record = await updateEndpoint(
      id,
      partnerId,
      {
        set: { ...input, ...(input.eventTypes ? { eventTypes: [...new Set(input.eventTypes)] } : {}), updatedAt: ctx.at, updatedBy: ctx.actor },
        ...(enabling ? { remove: ['disabledReason', 'disabledAt', 'failingSince'] } : {}),
      },
      expectedVersion,
    );
    return toWebhook(record);
  } catch (error) {
    throw explain(error, expectedVersion);
  }
}

/** Soft delete: the endpoint leaves the partner's list and receives nothing more; its delivery log stays for 30 days. */
export async function deleteWebhook(partnerId: string, id: string, expectedVersion: number | undefined, ctx: WriteContext): Promise<void> {
  try {
    await updateEndpoint(id, partnerId, { set: { enabled: false, deletedAt: ctx.at, updatedAt: ctx.at, updatedBy: ctx.actor }, remove: ['gsi1pk', 'gsi1sk'] }, expectedVersion);
  } catch (error) {
    throw explain(error, expectedVersion);
  }
}

/** A new secret (shown once); the current one keeps signing beside it for `overlapSeconds`, older ones stop. */
export async function rotateWebhookSecret(partnerId: string, id: string, overlapSeconds: number | undefined, ctx: WriteContext): Promise<{ webhook: Webhook; secret: string }> {
  const current = await ownEndpoint(partnerId, id);
  const secret = newSigningSecret();
  const expiresAt = new Date(now() + (overlapSeconds ?? DEFAULT_OVERLAP_SECONDS) * 1000).toISOString();
  const active = current.secrets.find((candidate) => candidate.expiresAt === undefined);
  const secrets = [{ secret, createdAt: ctx.at }, ...(active && overlapSeconds !== 0 ? [{ ...active, expiresAt }] : [])];
  try {
    const record = await updateEndpoint(id, partnerId, { set: { secrets, updatedAt: ctx.at, updatedBy: ctx.actor } }, current.version);
    return { webhook: toWebhook(record), secret };
  } catch (error) {
    if (error instanceof ConditionFailed && error.current && !error.current.deletedAt) throw conflict('The webhook changed while it was rotated; rotate again');
    throw explain(error, undefined);
  }
}
