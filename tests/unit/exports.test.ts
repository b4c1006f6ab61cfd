import { parse } from 'csv-parse/sync';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { ENTITY_DEFINITIONS, EXPORT_ENTITIES, maskValue, rowMapper, type Row } from '../../functions/exports/entities';
import { createFormatWriter, PARQUET_ROW_GROUP_ROWS } from '../../functions/exports/formats';
import { planExport } from '../../functions/exports/jobs';
import { CreateExportBody } from '../../functions/exports/schemas';
import { nativeOf } from '../../functions/exports/source-repository';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { HttpProblem } from '../../functions/shared/errors';

/** Export rules without I/O: column declarations, row mapping, masking, permissions, and the writers' output. */

const order = {
  pk: 'ORDER#01J0000000000000000000000A',
  sk: 'ORDER',
  gsi1pk: 'ORDER_STATUS#paid',
  entityType: 'order',
  id: '01J0000000000000000000000A',
  status: 'paid',
  customerId: '01J0000000000000000000000C',
  currency: 'EUR',
  total: 3_500,
  paidAmount: 3_500,
  refundedAmount: 0,
  lines: [
    { productId: 'P1', sku: 'SKU-1', name: 'Mug, "large"', quantity: 2, unitPrice: { amount: 1_000, currency: 'EUR' } },
    { productId: 'P2', sku: 'SKU-2', name: 'Tea\nbox', quantity: 1, unitPrice: { amount: 1_500, currency: 'EUR' } },
  ],
  createdAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-01T11:00:00.000Z',
  requestId: 'r',
  sourceIp: '10.0.0.1',
};

const customer = {
  entityType: 'customer',
  id: '01J0000000000000000000000C',
  name: 'Jane Doe',
  email: 'jane.doe@example.com',
  phone: '+49 170 1234567',
  createdAt: '2026-03-01T09:00:00.000Z',
  updatedAt: '2026-03-01T09:00:00.000Z',
};

describe('column declarations', () => {
  it('every entity declares flat, typed, uniquely named snake_case columns', () => {
    for (const entity of EXPORT_ENTITIES) {
      const { columns } = ENTITY_DEFINITIONS[entity];
      expect(columns.length).toBeGreaterThan(0);
      expect(new Set(columns.map((c) => c.name)).size).toBe(columns.length);
      for (const column of columns) {
        expect(column.name).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(['string', 'int64', 'timestamp', 'boolean']).toContain(column.type);
      }
    }
  });

  it('personal data columns are declared as such (customer name, email, phone; audit changes and source IP)', () => {
    const pii = (entity: (typeof EXPORT_ENTITIES)[number]) => ENTITY_DEFINITIONS[entity].columns.filter((c) => c.pii).map((c) => c.name);
    expect(pii('customer')).toEqual(['name', 'email', 'phone']);
    expect(pii('audit_entry')).toEqual(['source_ip', 'changes']);
  });
});

describe('row mapping', () => {
  const all = (entity: (typeof EXPORT_ENTITIES)[number]) => ENTITY_DEFINITIONS[entity].columns;

  it('maps an order item to one typed row without table keys or internal attributes', () => {
    const [row] = rowMapper(ENTITY_DEFINITIONS.order, all('order'), new Set())(order);
    expect(row).toEqual({
      id: order.id,
      status: 'paid',
      customer_id: order.customerId,
      partner_id: null,
      line_count: 2,
      currency: 'EUR',
      total_amount: 3_500,
      paid_amount: 3_500,
      refunded_amount: 0,
      shipment_id: null,
      created_at: '2026-03-01T10:00:00.000Z',
      updated_at: '2026-03-01T11:00:00.000Z',
    });
    expect(JSON.stringify(row)).not.toMatch(/ORDER#|sourceIp|10\.0\.0\.1/);
  });

  it('maps an order to one row per line, in line order, with the line total', () => {
    const rows = rowMapper(ENTITY_DEFINITIONS.order_line, all('order_line'), new Set())(order);
    expect(rows.map((r) => [r.line_number, r.sku, r.quantity, r.unit_price_amount, r.line_total_amount])).toEqual([
      [1, 'SKU-1', 2, 1_000, 2_000],
      [2, 'SKU-2', 1, 1_500, 1_500],
    ]);
  });

  it('keeps only the chosen columns, in the chosen order; missing attributes become null', () => {
    const columns = ['shipment_id', 'id'].map((name) => all('order').find((c) => c.name === name)!);
    const [row] = rowMapper(ENTITY_DEFINITIONS.order, columns, new Set())(order);
    expect(Object.keys(row!)).toEqual(['shipment_id', 'id']);
    expect(row).toEqual({ shipment_id: null, id: order.id });
  });

  it('masks personal data when asked to, and only the masked columns', () => {
    const [masked] = rowMapper(ENTITY_DEFINITIONS.customer, all('customer'), new Set(['name', 'email', 'phone']))(customer);
    expect(masked).toMatchObject({ id: customer.id, name: 'J***', email: 'j***@example.com', phone: '+** *** *****67' });
    const [plain] = rowMapper(ENTITY_DEFINITIONS.customer, all('customer'), new Set())(customer);
    expect(plain).toMatchObject({ name: 'Jane Doe', email: 'jane.doe@example.com', phone: '+49 170 1234567' });
    expect(maskValue('redact', '10.0.0.1')).toBe('***');
    expect(maskValue('email', null)).toBeNull();
  });
});

describe('what the worker reads (projection and decoding)', () => {
  /** Every top-level attribute `rowsOf` reads of an item. */
  const readsOf = (entity: (typeof EXPORT_ENTITIES)[number], item: Record<string, unknown>) => {
    const read = new Set<string>();
    ENTITY_DEFINITIONS[entity].rowsOf(
      new Proxy(item, {
        get: (target, key) => {
          if (typeof key === 'string') read.add(key);
          return target[key as string];
        },
      }),
    );
    return read;
  };
  const samples: Record<string, unknown>[] = [{}, order, customer, { ...order, lines: 'not a list', createdBy: 'staff:a', changes: [{ field: 'x' }] }];

  it.each(EXPORT_ENTITIES)('%s: rowsOf reads only the attributes the Scan projects', (entity) => {
    for (const item of samples) expect([...readsOf(entity, item)].filter((name) => !ENTITY_DEFINITIONS[entity].attributes.includes(name))).toEqual([]);
    // And each projected attribute is read by something (no attribute travels for nothing).
    const everyRead = new Set([...readsOf(entity, {}), ...readsOf(entity, { lines: [{}] })]);
    expect(new Set(ENTITY_DEFINITIONS[entity].attributes)).toEqual(everyRead);
  });

  it.each(EXPORT_ENTITIES)('%s: a row has every column, in declared order (the mapper may pass it on as it is)', (entity) => {
    const { columns, rowsOf } = ENTITY_DEFINITIONS[entity];
    const [row] = rowsOf({ ...order, lines: [order.lines[0]] });
    expect(Object.keys(row!)).toEqual(columns.map((c) => c.name));
    expect(Object.values(row!).every((value) => value !== undefined)).toBe(true);
  });

  it('decodes an attribute value exactly as the document client does', () => {
    const item = {
      s: 'text',
      empty: '',
      n: 42,
      negative: -7.5,
      big: 2n ** 60n,
      yes: true,
      no: false,
      nothing: null,
      list: [1, 'two', { three: [3] }, [], {}],
      map: { amount: 1_500, currency: 'EUR', nested: { deep: [true, null] } },
      strings: new Set(['a', 'b']),
      numbers: new Set([1, 2.5]),
      bytes: new Uint8Array([1, 2, 3]),
      byteSet: new Set([new Uint8Array([4]), new Uint8Array([5])]),
    };
    const stored = marshall(item);
    const decoded = Object.fromEntries(Object.entries(stored).map(([name, value]) => [name, nativeOf(value)]));
    expect(decoded).toEqual(unmarshall(stored));
    expect(decoded.big).toBe(2n ** 60n);
    expect(decoded.strings).toEqual(new Set(['a', 'b']));
  });

  it('passes stored ISO 8601 UTC times on as they are, and normalizes any other date form', () => {
    const [row] = rowMapper(ENTITY_DEFINITIONS.order, all(), new Set())({ ...order, createdAt: '2026-03-01T10:00:00.000Z', updatedAt: '2026-03-01T11:00:00+01:00' });
    expect(row).toMatchObject({ created_at: '2026-03-01T10:00:00.000Z', updated_at: '2026-03-01T10:00:00.000Z' });
    const [bad] = rowMapper(ENTITY_DEFINITIONS.order, all(), new Set())({ ...order, createdAt: 'yesterday', updatedAt: 5 });
    expect(bad).toMatchObject({ created_at: null, updated_at: null });
  });
  const all = () => ENTITY_DEFINITIONS.order.columns;
});

describe('permissions', () => {
  const refused = (fn: () => unknown): HttpProblem => {
    try {
      fn();
    } catch (error) {
      return error as HttpProblem;
    }
    throw new Error('not refused');
  };

  it('refuses an entity the caller may not read, naming the permission', () => {
    const problem = refused(() => planExport(ENTITY_DEFINITIONS.audit_entry, undefined, ['exports:write', 'orders:read']));
    expect(problem).toBeInstanceOf(HttpProblem);
    expect(problem.status).toBe(403);
    expect(problem.extras.errors).toEqual([{ path: 'body.entity', message: 'Needs audit:read' }]);
  });

  it('refuses a column that needs more than the entity, and allows the entity without it', () => {
    const problem = refused(() => planExport(ENTITY_DEFINITIONS.payment, ['id', 'ledger_transaction_id'], ['orders:read']));
    expect(problem.status).toBe(403);
    expect(problem.detail).toContain('ledger_transaction_id');
    expect(problem.extras.errors).toEqual([{ path: 'body.fields.1', message: 'Needs ledger:read' }]);
    expect(planExport(ENTITY_DEFINITIONS.payment, ['id', 'amount'], ['orders:read']).requiredPermissions).toEqual(['orders:read']);
  });

  it('masks personal data without customers:read_pii; with it, the job records that it needed it', () => {
    expect(planExport(ENTITY_DEFINITIONS.customer, undefined, ['customers:read'])).toMatchObject({
      maskedFields: ['name', 'email', 'phone'],
      requiredPermissions: ['customers:read'],
    });
    expect(planExport(ENTITY_DEFINITIONS.customer, ['id', 'email'], ['customers:*'])).toMatchObject({
      maskedFields: [],
      requiredPermissions: ['customers:read', 'customers:read_pii'],
    });
    expect(planExport(ENTITY_DEFINITIONS.customer, undefined, ['*']).maskedFields).toEqual([]);
  });
});

describe('request validation', () => {
  it('rejects unknown and repeated columns, a status the entity does not have, and an inverted range', () => {
    const issues = (body: unknown) => {
      const result = CreateExportBody.safeParse(body);
      return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
    };
    expect(issues({ entity: 'order', format: 'csv', fields: ['id', 'pk', 'id'] })).toEqual(['fields.1', 'fields.2']);
    expect(issues({ entity: 'customer', format: 'csv', filter: { status: 'paid' } })).toEqual(['filter.status']);
    expect(issues({ entity: 'order', format: 'csv', filter: { status: 'lost' } })).toEqual(['filter.status']);
    expect(issues({ entity: 'order', format: 'csv', filter: { from: '2026-03-02', to: '2026-03-01' } })).toEqual(['filter.to']);
    expect(issues({ entity: 'order', format: 'csv', filter: { from: '2026-03-01', to: '2026-03-01' } })).toEqual([]);
    expect(issues({ entity: 'order', format: 'xlsx' })).toEqual(['format']);
    expect(issues({ entity: 'order', format: 'csv', extra: 1 })).toEqual(['']);
  });
});

describe('writers', () => {
  const columns = ENTITY_DEFINITIONS.order_line.columns;
  const rows = rowMapper(ENTITY_DEFINITIONS.order_line, columns, new Set())(order);
  const text = (chunks: Uint8Array[]) => Buffer.concat(chunks).toString('utf8');

  it('CSV: header once, CRLF line ends, commas, quotes and line breaks quoted (RFC 4180), nulls empty', () => {
    const writer = createFormatWriter('csv', columns.slice(0, 5));
    const out = text([...writer.write(rows.slice(0, 1)), ...writer.write(rows.slice(1)), ...writer.finish()]);
    expect(out).toBe('order_id,line_number,product_id,sku,name\r\n' + `${order.id},1,P1,SKU-1,"Mug, ""large"""\r\n` + `${order.id},2,P2,SKU-2,"Tea\nbox"\r\n`);
    expect(parse(out, { columns: true })).toEqual([
      { order_id: order.id, line_number: '1', product_id: 'P1', sku: 'SKU-1', name: 'Mug, "large"' },
      { order_id: order.id, line_number: '2', product_id: 'P2', sku: 'SKU-2', name: 'Tea\nbox' },
    ]);
    const empty = createFormatWriter('csv', columns.slice(0, 2));
    expect(text(empty.finish())).toBe('order_id,line_number\r\n');
    const booleans = createFormatWriter('csv', [ENTITY_DEFINITIONS.product.columns.find((c) => c.name === 'deleted')!]);
    expect(text([...booleans.write([{ deleted: true }, { deleted: false }, { deleted: null }])])).toBe('deleted\r\ntrue\r\nfalse\r\n\r\n');
  });

  it('CSV resumed at a checkpoint writes no second header', () => {
    const first = createFormatWriter('csv', columns.slice(0, 2));
    const head = text(first.write(rows.slice(0, 1)));
    const resumed = createFormatWriter('csv', columns.slice(0, 2), first.state());
    expect(head + text([...resumed.write(rows.slice(1)), ...resumed.finish()])).toBe(`order_id,line_number\r\n${order.id},1\r\n${order.id},2\r\n`);
  });

  it('CSV stopped at a checkpoint before its first row still has its header once', () => {
    const first = createFormatWriter('csv', columns.slice(0, 2));
    const head = text(first.flush());
    const resumed = createFormatWriter('csv', columns.slice(0, 2), first.state());
    expect(head + text([...resumed.write(rows.slice(0, 1)), ...resumed.finish()])).toBe(`order_id,line_number\r\n${order.id},1\r\n`);
  });

  it('JSON Lines: one object per line with every column, in column order', () => {
    const writer = createFormatWriter('jsonl', columns);
    const lines = text([...writer.write(rows), ...writer.finish()]).split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((l) => JSON.parse(l) as Row)).toEqual(rows);
    expect(Object.keys(JSON.parse(lines[0]!) as Row)).toEqual(columns.map((c) => c.name));
  });

  it('Parquet: typed columns, row groups as rows come, the same rows across a checkpoint', async () => {
    const many: Row[] = Array.from({ length: PARQUET_ROW_GROUP_ROWS + 10 }, (_, i) => ({ ...rows[i % 2]!, line_number: i + 1 }));
    const first = createFormatWriter('parquet', columns);
    const chunks = [...first.write(many.slice(0, PARQUET_ROW_GROUP_ROWS + 5))];
    // A full row group left as soon as it filled up; the rest waits.
    expect(chunks.reduce((n, c) => n + c.length, 0)).toBeGreaterThan(4);
    chunks.push(...first.flush());
    const resumed = createFormatWriter('parquet', columns, JSON.parse(JSON.stringify(first.state())));
    chunks.push(...resumed.write(many.slice(PARQUET_ROW_GROUP_ROWS + 5)), ...resumed.finish());
    const file = Buffer.concat(chunks);
    const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
    const read = (await parquetReadObjects({ file: buffer })) as Record<string, unknown>[];
    expect(read).toHaveLength(many.length);
    expect(read[0]).toMatchObject({ order_id: order.id, line_number: 1n, sku: 'SKU-1', quantity: 2n, order_created_at: new Date('2026-03-01T10:00:00.000Z') });
    expect(read.at(-1)).toMatchObject({ line_number: BigInt(many.length) });
    // A full group, the five rows flushed at the checkpoint, the five written after it.
    expect(parquetMetadata(buffer).row_groups.map((group) => Number(group.num_rows))).toEqual([PARQUET_ROW_GROUP_ROWS, 5, 5]);
  });
});

describe('presigned download URLs (functions/exports/presign.ts)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('signs a path-style GET for the regional endpoint with the function credentials, session token included', async () => {
    Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token/+=' });
    delete process.env.AWS_ENDPOINT_URL_S3;
    const { presignGet } = await import('../../functions/exports/presign');
    const url = new URL(await presignGet('exports-bucket', 'daily/order/dt=2026-01-02/01J.parquet', 300));
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe('https://s3.eu-west-1.amazonaws.com/exports-bucket/daily/order/dt%3D2026-01-02/01J.parquet');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': expect.stringMatching(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request$/),
      'X-Amz-Expires': '300',
      'X-Amz-Security-Token': 'token/+=',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });
});
