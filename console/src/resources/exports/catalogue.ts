import type { Schemas } from '../../api/client';

export type ExportEntity = Schemas['CreateExportRequest']['entity'];
export type ExportFormat = Schemas['CreateExportRequest']['format'];

const ORDER_STATUSES = ['pending_payment', 'paid', 'fulfilling', 'shipped', 'delivered', 'completed', 'cancelled'];

/**
 * The exportable columns of each entity, in file order, and the statuses it can be filtered by:
 * a copy of the catalogue in functions/exports/entities.ts (the OpenAPI schema does not enumerate
 * them). Keyed by the schema's entity enum, so a new entity fails the typecheck until listed here.
 */
export const CATALOGUE: Record<ExportEntity, { columns: string[]; statuses?: string[] }> = {
  product: {
    columns: ['id', 'sku', 'name', 'status', 'price_amount', 'price_currency', 'stock_on_hand', 'stock_reserved', 'deleted', 'created_at', 'updated_at'],
    statuses: ['draft', 'active', 'archived'],
  },
  customer: { columns: ['id', 'name', 'email', 'phone', 'deleted', 'created_at', 'updated_at'] },
  order: {
    columns: ['id', 'status', 'customer_id', 'partner_id', 'line_count', 'currency', 'total_amount', 'paid_amount', 'refunded_amount', 'shipment_id', 'created_at', 'updated_at'],
    statuses: ORDER_STATUSES,
  },
  order_line: {
    columns: ['order_id', 'line_number', 'product_id', 'sku', 'name', 'quantity', 'currency', 'unit_price_amount', 'line_total_amount', 'order_status', 'order_created_at'],
    statuses: ORDER_STATUSES,
  },
  payment: { columns: ['id', 'order_id', 'amount', 'currency', 'method', 'reference', 'ledger_transaction_id', 'created_at', 'created_by'] },
  refund: { columns: ['id', 'order_id', 'amount', 'currency', 'reason', 'ledger_transaction_id', 'created_at', 'created_by'] },
  ledger_entry: { columns: ['id', 'transaction_id', 'account', 'side', 'amount', 'currency', 'order_id', 'source', 'at'] },
  shipment: {
    columns: ['id', 'order_id', 'status', 'carrier', 'tracking_number', 'carrier_partner_id', 'created_at', 'updated_at'],
    statuses: ['created', 'in_transit', 'out_for_delivery', 'delivered', 'exception'],
  },
  audit_entry: { columns: ['entity_type', 'entity_id', 'seq', 'at', 'actor', 'action', 'request_id', 'source_ip', 'changes', 'hash'] },
};

export const ENTITIES = Object.keys(CATALOGUE) as ExportEntity[];
export const FORMATS: ExportFormat[] = ['parquet', 'csv', 'jsonl'];
