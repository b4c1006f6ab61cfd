import Block from '@mui/icons-material/Block';
import CurrencyExchange from '@mui/icons-material/CurrencyExchange';
import DoneAll from '@mui/icons-material/DoneAll';
import Inventory from '@mui/icons-material/Inventory';
import LocalShipping from '@mui/icons-material/LocalShipping';
import Payments from '@mui/icons-material/Payments';
import { SelectInput, TextInput, TopToolbar, required, useLocale, useRecordContext, useTranslate } from 'react-admin';
import { commandResult } from '../../api/call';
import { ifMatch, sendOnce, type Schemas } from '../../api/client';
import { useApi } from '../../shared/api-context';
import { CommandDialog } from '../../shared/CommandDialog';
import { MoneyInput, formatMoney } from '../../shared/money';
import { useCommand } from '../../shared/useCommand';
import { allowsCommand, type Order } from './lifecycle';

const PAYMENT_METHODS = ['card', 'bank_transfer', 'cash', 'voucher', 'other'].map((id) => ({ id, name: `resources.orders.methods.${id}` }));

function Pay({ order }: { order: Order }) {
  const api = useApi();
  const { execute } = useCommand(
    (values: Record<string, unknown>) => {
      const body = { amount: values.amount, method: values.method, ...(values.reference ? { reference: values.reference } : {}) } as Schemas['CreatePaymentRequest'];
      return sendOnce(`pay ${order.id}`, body, (key) =>
        commandResult(api.POST('/orders/{id}/payments', { params: { path: { id: order.id }, header: { 'Idempotency-Key': key } }, body })),
      );
    },
    { done: 'resources.orders.notifications.paid' },
  );
  if (!allowsCommand(order, 'pay')) return null;
  return (
    <CommandDialog
      label="resources.orders.actions.pay"
      access={{ resource: 'orders', action: 'pay' }}
      icon={<Payments />}
      defaultValues={{ amount: order.outstanding, method: 'card' }}
      onSubmit={(values) => execute(values)}
    >
      <MoneyInput source="amount" label="resources.orders.fields.amount" validate={required()} />
      <SelectInput source="method" choices={PAYMENT_METHODS} validate={required()} />
      <TextInput source="reference" fullWidth />
    </CommandDialog>
  );
}

function Refund({ order }: { order: Order }) {
  const api = useApi();
  const translate = useTranslate();
  const locale = useLocale();
  const { execute } = useCommand(
    (values: Record<string, unknown>) => {
      const body = { amount: values.amount, reason: values.reason } as Schemas['CreateRefundRequest'];
      return sendOnce(`refund ${order.id}`, body, (key) =>
        commandResult(api.POST('/orders/{id}/refunds', { params: { path: { id: order.id }, header: { 'Idempotency-Key': key } }, body })),
      );
    },
    { done: 'resources.orders.notifications.refunded' },
  );
  if (order.refundable.amount <= 0) return null;
  return (
    <CommandDialog
      label="resources.orders.actions.refund"
      description={translate('resources.orders.refund_hint', { amount: formatMoney(order.refundable, locale) })}
      access={{ resource: 'orders', action: 'refund' }}
      icon={<CurrencyExchange />}
      defaultValues={{ amount: order.refundable }}
      onSubmit={(values) => execute(values)}
    >
      <MoneyInput source="amount" label="resources.orders.fields.amount" validate={required()} />
      <TextInput source="reason" validate={required()} fullWidth multiline />
    </CommandDialog>
  );
}

function Fulfil({ order }: { order: Order }) {
  const api = useApi();
  const { execute } = useCommand(
    () => commandResult(api.POST('/orders/{id}/fulfil', { params: { path: { id: order.id }, header: ifMatch(order.version) } })),
    { done: 'resources.orders.notifications.fulfilled' },
  );
  if (!allowsCommand(order, 'fulfil')) return null;
  return <CommandDialog label="resources.orders.actions.fulfil" access={{ resource: 'orders', action: 'fulfil' }} icon={<Inventory />} onSubmit={() => execute()} />;
}

function Ship({ order }: { order: Order }) {
  const api = useApi();
  const { execute } = useCommand(
    (values: Record<string, unknown>) =>
      commandResult(
        api.POST('/orders/{id}/shipments', {
          params: { path: { id: order.id } },
          body: { carrier: values.carrier, trackingNumber: values.trackingNumber } as Schemas['CreateShipmentRequest'],
        }),
      ),
    { done: 'resources.orders.notifications.shipped' },
  );
  if (!allowsCommand(order, 'ship')) return null;
  return (
    <CommandDialog label="resources.orders.actions.ship" access={{ resource: 'orders', action: 'ship' }} icon={<LocalShipping />} onSubmit={(values) => execute(values)}>
      <TextInput source="carrier" validate={required()} fullWidth />
      <TextInput source="trackingNumber" validate={required()} fullWidth />
    </CommandDialog>
  );
}

function Complete({ order }: { order: Order }) {
  const api = useApi();
  const { execute } = useCommand(
    () => commandResult(api.POST('/orders/{id}/complete', { params: { path: { id: order.id }, header: ifMatch(order.version) } })),
    { done: 'resources.orders.notifications.completed' },
  );
  if (!allowsCommand(order, 'complete')) return null;
  return <CommandDialog label="resources.orders.actions.complete" access={{ resource: 'orders', action: 'complete' }} icon={<DoneAll />} onSubmit={() => execute()} />;
}

function Cancel({ order }: { order: Order }) {
  const api = useApi();
  const translate = useTranslate();
  const { execute } = useCommand(
    (values: Record<string, unknown>) =>
      commandResult(
        api.POST('/orders/{id}/cancel', { params: { path: { id: order.id }, header: ifMatch(order.version) }, body: { reason: String(values.reason) } }),
      ),
    { done: 'resources.orders.notifications.cancelled' },
  );
  if (!allowsCommand(order, 'cancel')) return null;
  return (
    <CommandDialog
      label="resources.orders.actions.cancel"
      description={translate('resources.orders.cancel_hint')}
      access={{ resource: 'orders', action: 'cancel' }}
      icon={<Block />}
      color="error"
      onSubmit={(values) => execute(values)}
    >
      <TextInput source="reason" validate={required()} fullWidth multiline />
    </CommandDialog>
  );
}

/** The commands the order's state allows, each shown only to those who may run it. */
export function OrderCommands() {
  const order = useRecordContext<Order & { id: string }>();
  if (!order) return <TopToolbar />;
  return (
    <TopToolbar>
      <Pay order={order} />
      <Fulfil order={order} />
      <Ship order={order} />
      <Complete order={order} />
      <Refund order={order} />
      <Cancel order={order} />
    </TopToolbar>
  );
}
