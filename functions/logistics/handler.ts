import { createHttpHandler } from '../shared/http/app';
import { partnerIdOf, writeContextOf } from '../shared/http/context';
import { idempotencyOf, replayHeaders } from '../shared/idempotency';
import { logisticsRoutes } from './routes';
import { createShipment, getShipment, listPartnerOrderShipments, recordTrackingEvent } from './shipments';

export const handler = createHttpHandler(logisticsRoutes, {
  createShipment: async (req) => {
    const shipment = await createShipment(req.params.id, req.body, writeContextOf(req));
    return { status: 201, body: shipment, headers: { location: `/admin/v1/shipments/${shipment.id}` } };
  },
  getShipment: async (req) => ({ status: 200, body: await getShipment(req.params.id) }),
  createTrackingEvent: async (req) => {
    const result = await recordTrackingEvent(req.params.id, req.body, undefined, idempotencyOf(req, 'createTrackingEvent', { required: false }), writeContextOf(req));
    return { status: 201, body: result.body, headers: replayHeaders(result) };
  },
  partnerListOrderShipments: async (req) => {
    return { status: 200, body: await listPartnerOrderShipments(req.params.id, partnerIdOf(req)) };
  },
  partnerCreateTrackingEvent: async (req) => {
    const result = await recordTrackingEvent(
      req.params.id,
      req.body,
      partnerIdOf(req),
      idempotencyOf(req, 'partnerCreateTrackingEvent', { required: true }),
      writeContextOf(req),
    );
    const { recordedBy: _r, ...event } = result.body;
    return { status: 201, body: event, headers: replayHeaders(result) };
  },
});
