import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../shared/db';
import { getRecord, recordOf } from '../shared/item-repository';
import { partnerKeys, shipmentKeys } from '../shared/keys';
import type { NamedAction } from '../shared/transaction-repository';
import { buildUpdate } from '../shared/update-expression';
import { stampOf, type WriteContext } from '../shared/write-context';
import type { ShipmentStatus, TrackingEventType } from './schemas';

/**
 * A shipment (`SHIPMENT#<id>` / `SHIPMENT`) and its tracking events (`EVENT#<at>#<id>`, by the
 * carrier's time) share a partition, so one Query reads the shipment with its events.
 */
export interface ShipmentRecord {
  id: string;
  orderId: string;
  status: ShipmentStatus;
  carrier: string;
  trackingNumber: string;
  carrierPartnerId?: string;
  lastEventAt?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  requestId?: string;
  sourceIp?: string;
}

export interface TrackingEventRecord {
  id: string;
  shipmentId: string;
  type: TrackingEventType;
  at: string;
  location?: string;
  recordedAt: string;
  recordedBy: string;
}

export const SHIPMENT_ACTION = 'shipment';

export function shipmentPut(shipment: ShipmentRecord): NamedAction {
  return {
    name: SHIPMENT_ACTION,
    action: {
      Put: {
        TableName: tableName(),
        Item: { ...shipmentKeys.byId(shipment.id), entityType: 'shipment', ...shipment },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}

/** Transaction step: the carrier partner exists and is active. */
export function activePartnerCheck(partnerId: string): NamedAction {
  return {
    name: 'carrier',
    action: {
      ConditionCheck: {
        TableName: tableName(),
        Key: partnerKeys.byId(partnerId),
        ConditionExpression: 'attribute_exists(pk) AND #status = :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':active': 'active' },
      },
    },
  };
}

export function findShipment(id: string): Promise<ShipmentRecord | undefined> {
  return getRecord<ShipmentRecord>(shipmentKeys.byId(id));
}

/** The shipment and its events, oldest first, in one Query (a shipment has a handful of events). */
export async function findShipmentWithEvents(id: string): Promise<{ shipment?: ShipmentRecord; events: TrackingEventRecord[] }> {
  const { Items } = await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': shipmentKeys.partition(id) },
      ConsistentRead: true,
    }),
  );
  const items = Items ?? [];
  const shipment = items.find((item) => item.entityType === 'shipment');
  const events = items.filter((item) => item.entityType === 'tracking_event');
  return { ...(shipment ? { shipment: recordOf<ShipmentRecord>(shipment) } : {}), events: events.map((item) => recordOf<TrackingEventRecord>(item)) };
}

/**
 * The shipment takes the type of the event just received as its status. A delivered shipment takes no
 * further events (the condition), and only its carrier partner may post for it when `carrierPartnerId` is given.
 */
export function trackingUpdate(shipmentId: string, event: TrackingEventRecord, carrierPartnerId: string | undefined, ctx: WriteContext): NamedAction {
  const update = buildUpdate({ set: { ...stampOf(ctx), status: event.type, lastEventAt: event.at }, increment: { version: 1 } });
  const names: Record<string, string> = { '#currentStatus': 'status' };
  const values: Record<string, unknown> = { ':delivered': 'delivered' };
  let condition = 'attribute_exists(pk) AND #currentStatus <> :delivered';
  if (carrierPartnerId !== undefined) {
    names['#carrier'] = 'carrierPartnerId';
    values[':carrier'] = carrierPartnerId;
    condition += ' AND #carrier = :carrier';
  }
  return {
    name: SHIPMENT_ACTION,
    action: {
      Update: {
        TableName: tableName(),
        Key: shipmentKeys.byId(shipmentId),
        UpdateExpression: update.UpdateExpression,
        ConditionExpression: condition,
        ExpressionAttributeNames: { ...update.ExpressionAttributeNames, ...names },
        ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...values },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
  };
}

export function trackingEventPut(event: TrackingEventRecord, ctx: WriteContext): NamedAction {
  return {
    name: 'tracking',
    action: {
      Put: {
        TableName: tableName(),
        Item: { ...shipmentKeys.event(event.shipmentId, event.at, event.id), entityType: 'tracking_event', ...event, ...stampOf(ctx) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}
