import type { Permission } from '../shared/auth/permissions';
import { maskEmail, maskPhone } from '../shared/pii';

/**
 * What can be exported (docs/architecture.md#analytics-and-exports): one declared, flat, typed column schema per entity, mapped from
 * the stored items (never the raw single-table items). The same definitions give the API's field
 * list, the writers' schemas (CSV header, Parquet schema) and the Glue tables of the stack.
 *
 * Each entity names the permission needed to read it; a column may need one more (e.g. a payment's
 * ledger transaction needs `ledger:read`). Columns holding personal data name how they are masked for
 * callers without `customers:read_pii`.
 */

export type ColumnType = 'string' | 'int64' | 'timestamp' | 'boolean';

/** How a personal-data column is masked without `customers:read_pii`. */
export type PiiMask = 'email' | 'phone' | 'name' | 'redact';

export interface ColumnDefinition {
  name: string;
  type: ColumnType;
  description: string;
  /** Needed in addition to the entity's permission. */
  permission?: Permission;
  /** Personal data: masked unless the caller holds `customers:read_pii`. */
  pii?: PiiMask;
}

/** One exported value: strings (timestamps as ISO 8601 UTC), integers, booleans or null. */
export type CellValue = string | number | boolean | null;
export type Row = Record<string, CellValue>;

/** Where an entity's items are read from. */
export type EntitySource =
  | { table: 'main'; entityType: string }
  /** Audit entries (the audit table): items carrying a hash chain link. */
  | { table: 'audit' };

export interface EntityDefinition {
  name: ExportEntity;
  description: string;
  permission: Permission;
  source: EntitySource;
  /** The stored attribute `filter.from`/`filter.to` bound (ISO 8601 UTC). */
  timeAttribute: string;
  /** The stored attribute `filter.status` matches, and its values. */
  status?: { attribute: string; values: readonly string[] };
  columns: readonly ColumnDefinition[];
  /**
   * Every top-level stored attribute `rowsOf` reads: the worker's Scan projects only these
   * (ProjectionExpression), so nothing else travels or is decoded. tests/unit/exports.test.ts checks
   * that `rowsOf` reads nothing else.
   */
  attributes: readonly string[];
  /** The rows of one stored item (an order gives one row per line for `order_line`). */
  rowsOf(item: Record<string, unknown>): Row[];
}

export const EXPORT_ENTITIES = [
  'product',
  'customer',
  'order',
  'order_line',
  'payment',
  'refund',
  'ledger_entry',
  'shipment',
  'audit_entry',
] as const;
export type ExportEntity = (typeof EXPORT_ENTITIES)[number];

const ORDER_STATUSES = ['pending_payment', 'paid', 'fulfilling', 'shipped', 'delivered', 'completed', 'cancelled'] as const;
const PRODUCT_STATUSES = ['draft', 'active', 'archived'] as const;
const SHIPMENT_STATUSES = ['created', 'in_transit', 'out_for_delivery', 'delivered', 'exception'] as const;

// ------------------------------------------------------------------------------------------------
// Reading stored attributes defensively: a missing or mistyped attribute becomes null, never a crash.

const str = (value: unknown): string | null => (typeof value === 'string' ? value : value === undefined || value === null ? null : String(value));
const int = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : null);
const money = (value: unknown): { amount: number | null; currency: string | null } => {
  const m = (value ?? {}) as { amount?: unknown; currency?: unknown };
  return { amount: int(m.amount), currency: str(m.currency) };
};
/** What toISOString writes, which is how every time is stored: returned as it is, without a Date. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ts = (value: unknown): string | null => {
  if (typeof value !== 'string') return null;
  if (ISO_UTC.test(value)) return value;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
};

const col = (name: string, type: ColumnType, description: string, extra: Partial<ColumnDefinition> = {}): ColumnDefinition => ({
  name,
  type,
  description,
  ...extra,
});

const DEFINITIONS: readonly EntityDefinition[] = [
  {
    name: 'product',
    description: 'Catalog products with price and stock (soft-deleted ones flagged)',
    permission: 'products:read',
    source: { table: 'main', entityType: 'product' },
    timeAttribute: 'createdAt',
    status: { attribute: 'status', values: PRODUCT_STATUSES },
    columns: [
      col('id', 'string', 'Product id (ULID)'),
      col('sku', 'string', 'Stock keeping unit'),
      col('name', 'string', 'Product name'),
      col('status', 'string', 'draft, active or archived'),
      col('price_amount', 'int64', 'Price in minor units'),
      col('price_currency', 'string', 'ISO 4217 currency'),
      col('stock_on_hand', 'int64', 'Units on hand'),
      col('stock_reserved', 'int64', 'Units reserved by open orders'),
      col('deleted', 'boolean', 'Soft-deleted'),
      col('created_at', 'timestamp', 'Creation time (UTC)'),
      col('updated_at', 'timestamp', 'Last change (UTC)'),
    ],
    attributes: ['id', 'sku', 'name', 'status', 'price', 'onHand', 'reserved', 'deletedAt', 'createdAt', 'updatedAt'],
    rowsOf: (item) => {
      const price = money(item.price);
      return [
        {
          id: str(item.id),
          sku: str(item.sku),
          name: str(item.name),
          status: str(item.status),
          price_amount: price.amount,
          price_currency: price.currency,
          stock_on_hand: int(item.onHand),
          stock_reserved: int(item.reserved),
          deleted: item.deletedAt !== undefined && item.deletedAt !== null,
          created_at: ts(item.createdAt),
          updated_at: ts(item.updatedAt),
        },
      ];
    },
  },
  {
    name: 'customer',
    description: 'Customers; name, email and phone are personal data',
    permission: 'customers:read',
    source: { table: 'main', entityType: 'customer' },
    timeAttribute: 'createdAt',
    columns: [
      col('id', 'string', 'Customer id (ULID)'),
      col('name', 'string', 'Full name (masked without customers:read_pii)', { pii: 'name' }),
      col('email', 'string', 'Email (masked without customers:read_pii)', { pii: 'email' }),
      col('phone', 'string', 'Phone (masked without customers:read_pii)', { pii: 'phone' }),
      col('deleted', 'boolean', 'Soft-deleted'),
      col('created_at', 'timestamp', 'Creation time (UTC)'),
      col('updated_at', 'timestamp', 'Last change (UTC)'),
    ],
    attributes: ['id', 'name', 'email', 'phone', 'deletedAt', 'createdAt', 'updatedAt'],
    rowsOf: (item) => [
      {
        id: str(item.id),
        name: str(item.name),
        email: str(item.email),
        phone: str(item.phone),
        deleted: item.deletedAt !== undefined && item.deletedAt !== null,
        created_at: ts(item.createdAt),
        updated_at: ts(item.updatedAt),
      },
    ],
  },
  {
    name: 'order',
    description: 'Orders with their amounts (one row per order)',
    permission: 'orders:read',
    source: { table: 'main', entityType: 'order' },
    timeAttribute: 'createdAt',
    status: { attribute: 'status', values: ORDER_STATUSES },
    columns: [
      col('id', 'string', 'Order id (ULID)'),
      col('status', 'string', 'Lifecycle status'),
      col('customer_id', 'string', 'Customer id'),
      col('partner_id', 'string', 'Partner that placed it (null for staff orders)'),
      col('line_count', 'int64', 'Number of lines'),
      col('currency', 'string', 'ISO 4217 currency of every amount'),
      col('total_amount', 'int64', 'Total in minor units'),
      col('paid_amount', 'int64', 'Paid so far in minor units'),
      col('refunded_amount', 'int64', 'Refunded so far in minor units'),
      col('shipment_id', 'string', 'Shipment id once shipped'),
      col('created_at', 'timestamp', 'Creation time (UTC)'),
      col('updated_at', 'timestamp', 'Last change (UTC)'),
    ],
    attributes: ['id', 'status', 'customerId', 'partnerId', 'lines', 'currency', 'total', 'paidAmount', 'refundedAmount', 'shipmentId', 'createdAt', 'updatedAt'],
    rowsOf: (item) => [
      {
        id: str(item.id),
        status: str(item.status),
        customer_id: str(item.customerId),
        partner_id: str(item.partnerId),
        line_count: Array.isArray(item.lines) ? item.lines.length : 0,
        currency: str(item.currency),
        total_amount: int(item.total),
        paid_amount: int(item.paidAmount),
        refunded_amount: int(item.refundedAmount),
        shipment_id: str(item.shipmentId),
        created_at: ts(item.createdAt),
        updated_at: ts(item.updatedAt),
      },
    ],
  },
  {
    name: 'order_line',
    description: 'Order lines (embedded in their order; one row per line, filtered by the order)',
    permission: 'orders:read',
    source: { table: 'main', entityType: 'order' },
    timeAttribute: 'createdAt',
    status: { attribute: 'status', values: ORDER_STATUSES },
    columns: [
      col('order_id', 'string', 'Order id'),
      col('line_number', 'int64', 'Position in the order, from 1'),
      col('product_id', 'string', 'Product id'),
      col('sku', 'string', 'SKU when ordered'),
      col('name', 'string', 'Product name when ordered'),
      col('quantity', 'int64', 'Units'),
      col('currency', 'string', 'ISO 4217 currency'),
      col('unit_price_amount', 'int64', 'Unit price in minor units'),
      col('line_total_amount', 'int64', 'Line total in minor units (quantity × unit price)'),
      col('order_status', 'string', 'Status of the order'),
      col('order_created_at', 'timestamp', 'Creation time of the order (UTC)'),
    ],
    attributes: ['id', 'lines', 'status', 'createdAt'],
    rowsOf: (item) => {
      const lines = Array.isArray(item.lines) ? (item.lines as Record<string, unknown>[]) : [];
      return lines.map((line, index) => {
        const unit = money(line.unitPrice);
        const quantity = int(line.quantity);
        return {
          order_id: str(item.id),
          line_number: index + 1,
          product_id: str(line.productId),
          sku: str(line.sku),
          name: str(line.name),
          quantity,
          currency: unit.currency,
          unit_price_amount: unit.amount,
          line_total_amount: unit.amount === null || quantity === null ? null : unit.amount * quantity,
          order_status: str(item.status),
          order_created_at: ts(item.createdAt),
        };
      });
    },
  },
  {
    name: 'payment',
    description: 'Payments of orders',
    permission: 'orders:read',
    source: { table: 'main', entityType: 'payment' },
    timeAttribute: 'createdAt',
    columns: [
      col('id', 'string', 'Payment id (ULID)'),
      col('order_id', 'string', 'Order id'),
      col('amount', 'int64', 'Amount in minor units'),
      col('currency', 'string', 'ISO 4217 currency'),
      col('method', 'string', 'Payment method'),
      col('reference', 'string', 'External reference'),
      col('ledger_transaction_id', 'string', 'Ledger transaction of the posting', { permission: 'ledger:read' }),
      col('created_at', 'timestamp', 'Time of the payment (UTC)'),
      col('created_by', 'string', 'Actor (staff:<id>, partner:<id> or system:<component>)'),
    ],
    attributes: ['id', 'orderId', 'amount', 'method', 'reference', 'ledgerTransactionId', 'createdAt', 'createdBy', 'updatedBy'],
    rowsOf: (item) => {
      const amount = money(item.amount);
      return [
        {
          id: str(item.id),
          order_id: str(item.orderId),
          amount: amount.amount,
          currency: amount.currency,
          method: str(item.method),
          reference: str(item.reference),
          ledger_transaction_id: str(item.ledgerTransactionId),
          created_at: ts(item.createdAt),
          created_by: str(item.createdBy ?? item.updatedBy),
        },
      ];
    },
  },
  {
    name: 'refund',
    description: 'Executed refunds of orders',
    permission: 'orders:read',
    source: { table: 'main', entityType: 'refund' },
    timeAttribute: 'createdAt',
    columns: [
      col('id', 'string', 'Refund id (ULID)'),
      col('order_id', 'string', 'Order id'),
      col('amount', 'int64', 'Amount in minor units'),
      col('currency', 'string', 'ISO 4217 currency'),
      col('reason', 'string', 'Reason given'),
      col('ledger_transaction_id', 'string', 'Ledger transaction of the posting', { permission: 'ledger:read' }),
      col('created_at', 'timestamp', 'Time of the refund (UTC)'),
      col('created_by', 'string', 'Actor'),
    ],
    attributes: ['id', 'orderId', 'amount', 'reason', 'ledgerTransactionId', 'createdAt', 'createdBy', 'updatedBy'],
    rowsOf: (item) => {
      const amount = money(item.amount);
      return [
        {
          id: str(item.id),
          order_id: str(item.orderId),
          amount: amount.amount,
          currency: amount.currency,
          reason: str(item.reason),
          ledger_transaction_id: str(item.ledgerTransactionId),
          created_at: ts(item.createdAt),
          created_by: str(item.createdBy ?? item.updatedBy),
        },
      ];
    },
  },
  {
    name: 'ledger_entry',
    description: 'Double-entry ledger entries',
    permission: 'ledger:read',
    source: { table: 'main', entityType: 'ledger_entry' },
    timeAttribute: 'at',
    columns: [
      col('id', 'string', 'Entry id'),
      col('transaction_id', 'string', 'Ledger transaction'),
      col('account', 'string', 'Account code'),
      col('side', 'string', 'debit or credit'),
      col('amount', 'int64', 'Amount in minor units'),
      col('currency', 'string', 'ISO 4217 currency'),
      col('order_id', 'string', 'Order id'),
      col('source', 'string', 'payment:<id> or refund:<id>'),
      col('at', 'timestamp', 'Posting time (UTC)'),
    ],
    attributes: ['id', 'transactionId', 'account', 'side', 'amount', 'currency', 'orderId', 'source', 'at'],
    rowsOf: (item) => [
      {
        id: str(item.id),
        transaction_id: str(item.transactionId),
        account: str(item.account),
        side: str(item.side),
        amount: int(item.amount),
        currency: str(item.currency),
        order_id: str(item.orderId),
        source: str(item.source),
        at: ts(item.at),
      },
    ],
  },
  {
    name: 'shipment',
    description: 'Shipments of orders',
    permission: 'shipments:read',
    source: { table: 'main', entityType: 'shipment' },
    timeAttribute: 'createdAt',
    status: { attribute: 'status', values: SHIPMENT_STATUSES },
    columns: [
      col('id', 'string', 'Shipment id (ULID)'),
      col('order_id', 'string', 'Order id'),
      col('status', 'string', 'Tracking status'),
      col('carrier', 'string', 'Carrier'),
      col('tracking_number', 'string', 'Carrier tracking number'),
      col('carrier_partner_id', 'string', 'Carrier partner, when a partner carries it'),
      col('created_at', 'timestamp', 'Creation time (UTC)'),
      col('updated_at', 'timestamp', 'Last change (UTC)'),
    ],
    attributes: ['id', 'orderId', 'status', 'carrier', 'trackingNumber', 'carrierPartnerId', 'createdAt', 'updatedAt'],
    rowsOf: (item) => [
      {
        id: str(item.id),
        order_id: str(item.orderId),
        status: str(item.status),
        carrier: str(item.carrier),
        tracking_number: str(item.trackingNumber),
        carrier_partner_id: str(item.carrierPartnerId),
        created_at: ts(item.createdAt),
        updated_at: ts(item.updatedAt),
      },
    ],
  },
  {
    name: 'audit_entry',
    description: 'Audit log entries (the audit table); changed values and source IPs may hold personal data',
    permission: 'audit:read',
    source: { table: 'audit' },
    timeAttribute: 'at',
    columns: [
      col('entity_type', 'string', 'Entity type'),
      col('entity_id', 'string', 'Entity id'),
      col('seq', 'int64', 'Position in the entity chain, from 1'),
      col('at', 'timestamp', 'Time of the change (UTC)'),
      col('actor', 'string', 'Actor'),
      col('action', 'string', 'create, update, delete, restore or transition'),
      col('request_id', 'string', 'Request id'),
      col('source_ip', 'string', 'Source IP (masked without customers:read_pii)', { pii: 'redact' }),
      col('changes', 'string', 'Changed fields as JSON [{field, before, after}] (masked without customers:read_pii)', { pii: 'redact' }),
      col('hash', 'string', 'Chain hash (sha256 hex)'),
    ],
    attributes: ['entityType', 'entityId', 'seq', 'at', 'actor', 'action', 'requestId', 'sourceIp', 'changes', 'hash'],
    rowsOf: (item) => [
      {
        entity_type: str(item.entityType),
        entity_id: str(item.entityId),
        seq: int(item.seq),
        at: ts(item.at),
        actor: str(item.actor),
        action: str(item.action),
        request_id: str(item.requestId),
        source_ip: str(item.sourceIp),
        changes: item.changes === undefined ? null : JSON.stringify(item.changes),
        hash: str(item.hash),
      },
    ],
  },
];

export const ENTITY_DEFINITIONS: Readonly<Record<ExportEntity, EntityDefinition>> = Object.fromEntries(
  DEFINITIONS.map((definition) => [definition.name, definition]),
) as Record<ExportEntity, EntityDefinition>;

/** Masks one personal-data value (null stays null). */
export function maskValue(mask: PiiMask, value: CellValue): CellValue {
  if (value === null) return null;
  const text = String(value);
  switch (mask) {
    case 'email':
      return maskEmail(text);
    case 'phone':
      return maskPhone(text);
    case 'name':
      return text.length === 0 ? text : `${text[0]}***`;
    case 'redact':
      return '***';
  }
}

/**
 * The row mapper of one job: stored item → rows with only the chosen columns, in their order,
 * personal data masked when `masked` names the column.
 */
export function rowMapper(entity: EntityDefinition, columns: readonly ColumnDefinition[], masked: ReadonlySet<string>) {
  // Every column in declared order, nothing masked: the entity's rows are the rows (no copy per row).
  const whole = columns.length === entity.columns.length && columns.every((column, i) => column === entity.columns[i] && !(column.pii && masked.has(column.name)));
  if (whole) return (item: Record<string, unknown>): Row[] => entity.rowsOf(item);
  return (item: Record<string, unknown>): Row[] =>
    entity.rowsOf(item).map((full) => {
      const row: Row = {};
      for (const column of columns) {
        const value = full[column.name] ?? null;
        row[column.name] = column.pii && masked.has(column.name) ? maskValue(column.pii, value) : value;
      }
      return row;
    });
}
