import { Box, Divider, Grid, Stack, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { ArrayField, DataTable, DateField, Labeled, NumberField, Show, SelectField, TextField, useRecordContext, useTranslate } from 'react-admin';
import { MoneyField } from '../../shared/money';
import { OrderCommands } from './OrderCommands';
import { OrderHistory } from './OrderHistory';
import { ReferenceLink } from '../../shared/ReferenceLink';
import { STATUS_CHOICES, type Order } from './lifecycle';

function Section({ title, children }: { title: string; children: ReactNode }) {
  const translate = useTranslate();
  return (
    <Box component="section" sx={{ mb: 3 }}>
      <Typography component="h2" variant="h6" gutterBottom>
        {translate(title)}
      </Typography>
      {children}
    </Box>
  );
}

function Amounts() {
  return (
    <Stack direction="row" spacing={4} useFlexGap sx={{ flexWrap: 'wrap' }}>
      {(['total', 'paid', 'outstanding', 'refunded', 'refundable'] as const).map((source) => (
        <Labeled key={source} source={source}>
          <MoneyField source={source} />
        </Labeled>
      ))}
    </Stack>
  );
}

function CancelReason() {
  const order = useRecordContext<Order & { id: string }>();
  if (!order?.cancelReason) return null;
  return (
    <Labeled source="cancelReason">
      <TextField source="cancelReason" />
    </Labeled>
  );
}

/** An order: its lines and amounts, customer, shipment and history; the commands its state allows. */
export default function OrderShow() {
  return (
    <Show actions={<OrderCommands />}>
      <Box sx={{ p: 2 }}>
        <Grid container spacing={4}>
          <Grid size={{ xs: 12, md: 8 }}>
            <Section title="resources.orders.sections.order">
              <Stack direction="row" spacing={4} useFlexGap sx={{ flexWrap: 'wrap' }}>
                <Labeled source="id">
                  <TextField source="id" />
                </Labeled>
                <Labeled source="status">
                  <SelectField source="status" choices={STATUS_CHOICES} />
                </Labeled>
                <Labeled source="customerId">
                  <ReferenceLink source="customerId" reference="customers" />
                </Labeled>
                <Labeled source="shipmentId">
                  <ReferenceLink source="shipmentId" reference="shipments" />
                </Labeled>
                <Labeled source="createdAt">
                  <DateField source="createdAt" showTime />
                </Labeled>
                <Labeled source="updatedAt">
                  <DateField source="updatedAt" showTime />
                </Labeled>
                <Labeled source="updatedBy">
                  <TextField source="updatedBy" />
                </Labeled>
                <CancelReason />
              </Stack>
            </Section>
            <Section title="resources.orders.sections.lines">
              <ArrayField source="lines">
                <DataTable bulkActionButtons={false} rowClick={false}>
                  <DataTable.Col source="sku" label="resources.orders.fields.sku" disableSort />
                  <DataTable.Col source="name" label="resources.orders.fields.product" disableSort />
                  <DataTable.Col source="quantity" label="resources.orders.fields.quantity" disableSort>
                    <NumberField source="quantity" />
                  </DataTable.Col>
                  <DataTable.Col source="unitPrice" label="resources.orders.fields.unitPrice" disableSort>
                    <MoneyField source="unitPrice" />
                  </DataTable.Col>
                  <DataTable.Col source="lineTotal" label="resources.orders.fields.lineTotal" disableSort>
                    <MoneyField source="lineTotal" />
                  </DataTable.Col>
                </DataTable>
              </ArrayField>
            </Section>
            <Section title="resources.orders.sections.amounts">
              <Amounts />
            </Section>
          </Grid>
          <Grid size={{ xs: 12, md: 4 }}>
            <Divider sx={{ display: { md: 'none' }, mb: 2 }} />
            <Section title="resources.orders.sections.history">
              <OrderHistory />
            </Section>
          </Grid>
        </Grid>
      </Box>
    </Show>
  );
}
