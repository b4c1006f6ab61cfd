/**
 * The records of partner events (docs/modules/webhooks.md): endpoints, the events of a partner's
 * feed, and the deliveries of events to endpoints. Keys: functions/shared/keys.ts webhookKeys.
 */

/** A signing secret (`whsec_<base64>`); during a rotation the old one lives on until `expiresAt`. */
export interface SigningSecret {
  secret: string;
  createdAt: string;
  /** Absent for the current secret. */
  expiresAt?: string;
}

export interface WebhookEndpointRecord {
  id: string;
  partnerId: string;
  url: string;
  description?: string;
  /** Event types the endpoint receives (functions/webhooks/catalogue.ts). */
  eventTypes: string[];
  enabled: boolean;
  /** Why the endpoint was disabled by delivery (410 Gone, or failing for a whole retry window). */
  disabledReason?: string;
  disabledAt?: string;
  /** The first failed attempt since the last success; cleared by a success. */
  failingSince?: string;
  /** Newest first: the current secret, then any still valid during a rotation. */
  secrets: SigningSecret[];
  version: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  deletedAt?: string;
}

/** One event in one partner's feed (retained 30 days). */
export interface PartnerEventRecord {
  /** `msg_…`, derived from the stream record and the type: a redelivery makes the same id. */
  eventId: string;
  partnerId: string;
  type: string;
  /** When the change happened (the envelope's timestamp). */
  at: string;
  /** The envelope, serialised once: every delivery sends these exact bytes. */
  payload: string;
  /** Epoch seconds (the table's TTL attribute). */
  ttl: number;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One event's delivery to one endpoint (retained 30 days). */
export interface WebhookDeliveryRecord {
  endpointId: string;
  partnerId: string;
  eventId: string;
  type: string;
  at: string;
  payload: string;
  status: DeliveryStatus;
  /** Attempts made so far. */
  attempts: number;
  lastAttemptAt?: string;
  lastStatusCode?: number;
  /** A short reason of the last failure (timeout, refused address, connection error, HTTP status). */
  lastError?: string;
  lastLatencyMs?: number;
  /** When the next attempt is due; absent once the delivery succeeded or gave up. */
  nextAttemptAt?: string;
  ttl: number;
}

/** The message a delivery worker receives: which delivery to attempt. */
export interface DeliveryMessage {
  endpointId: string;
  /** The delivery's sort key (webhookKeys.eventSortKey). */
  eventSortKey: string;
}

/** Events and deliveries live this long. */
export const RETENTION_DAYS = 30;
