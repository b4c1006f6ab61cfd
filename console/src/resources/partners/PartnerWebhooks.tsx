import Block from '@mui/icons-material/Block';
import History from '@mui/icons-material/History';
import PlayArrow from '@mui/icons-material/PlayArrow';
import { Box, Button, Chip, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Stack, Typography } from '@mui/material';
import { useId, useState } from 'react';
import { DataTable, DateField, FunctionField, NumberField, ReferenceManyField, TextArrayField, TextField, useLocale, useRecordContext, useTranslate } from 'react-admin';
import { unwrap } from '../../api/call';
import { ifMatch, type Schemas } from '../../api/client';
import { useApi } from '../../shared/api-context';
import { CommandDialog } from '../../shared/CommandDialog';
import { useCommand } from '../../shared/useCommand';

/** An endpoint as the list gives it, with the partner it belongs to (its commands need both ids). */
type WebhookRow = Schemas['Webhook'] & { partnerId: string };
type DeliveryRow = Schemas['WebhookDelivery'] & { id: string };

/** The API keeps 30 days of deliveries; the screen shows the newest page of them. */
const LATEST_DELIVERIES = 25;

const DELIVERY_COLORS: Record<DeliveryRow['status'], 'default' | 'success' | 'error'> = { pending: 'default', succeeded: 'success', failed: 'error' };

const dateTime = (value: string, locale: string) => new Date(value).toLocaleString(locale);

/** Where events go, and the partner's own note about it. */
function EndpointUrl() {
  const webhook = useRecordContext<WebhookRow>();
  if (!webhook) return null;
  return (
    <Stack spacing={0.5}>
      <Box component="span" sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>
        {webhook.url}
      </Box>
      {webhook.description && (
        <Typography variant="caption" sx={{ color: 'text.secondary' }}>
          {webhook.description}
        </Typography>
      )}
    </Stack>
  );
}

/** Enabled, or disabled with why (delivery disables an endpoint on 410 or after a whole failing retry window) and since when. */
function EndpointStatus() {
  const webhook = useRecordContext<WebhookRow>();
  const translate = useTranslate();
  const locale = useLocale();
  if (!webhook) return null;
  if (webhook.enabled) return <Chip size="small" color="success" variant="outlined" label={translate('resources.partner-webhooks.status.enabled')} />;
  return (
    <Stack spacing={0.5} sx={{ alignItems: 'flex-start' }}>
      <Chip size="small" color="warning" label={translate('resources.partner-webhooks.status.disabled')} />
      {webhook.disabledReason && <Typography variant="body2">{webhook.disabledReason}</Typography>}
      {webhook.disabledAt && (
        <Typography variant="caption" sx={{ color: 'text.secondary' }}>
          {translate('resources.partner-webhooks.disabled_since', { date: dateTime(webhook.disabledAt, locale) })}
        </Typography>
      )}
    </Stack>
  );
}

/** The last attempt's answer: its HTTP status, or why there was none (timeout, refused address…). */
function LastResult() {
  const delivery = useRecordContext<DeliveryRow>();
  if (!delivery) return null;
  const parts = [delivery.lastStatusCode === undefined ? undefined : String(delivery.lastStatusCode), delivery.lastError].filter(Boolean);
  return <span>{parts.length > 0 ? parts.join(' · ') : '—'}</span>;
}

function Latency() {
  const delivery = useRecordContext<DeliveryRow>();
  const locale = useLocale();
  if (delivery?.lastLatencyMs === undefined) return <span>—</span>;
  return <span>{new Intl.NumberFormat(locale, { style: 'unit', unit: 'millisecond', unitDisplay: 'short' }).format(delivery.lastLatencyMs)}</span>;
}

/** The endpoint's latest deliveries, newest first, in a dialog (loaded when opened). */
function EndpointDeliveries() {
  const webhook = useRecordContext<WebhookRow>();
  const translate = useTranslate();
  const [open, setOpen] = useState(false);
  const titleId = useId();
  if (!webhook) return null;
  const title = translate('resources.partner-webhooks.deliveries_of', { url: webhook.url });
  return (
    <>
      <Button size="small" startIcon={<History />} aria-label={title} aria-haspopup="dialog" onClick={() => setOpen(true)}>
        {translate('resources.partner-webhooks.actions.deliveries')}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} aria-labelledby={titleId} fullWidth maxWidth="lg">
        <DialogTitle id={titleId} sx={{ wordBreak: 'break-all' }}>
          {title}
        </DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>{translate('resources.webhook-deliveries.latest', { smart_count: LATEST_DELIVERIES })}</DialogContentText>
          <ReferenceManyField reference="webhook-deliveries" target="webhookId" filter={{ partnerId: webhook.partnerId }} perPage={LATEST_DELIVERIES}>
            <DataTable
              bulkActionButtons={false}
              rowClick={false}
              empty={<Typography variant="body2">{translate('resources.webhook-deliveries.empty')}</Typography>}
            >
              <DataTable.Col source="eventId" disableSort>
                <TextField source="eventId" sx={{ fontFamily: 'monospace' }} />
              </DataTable.Col>
              <DataTable.Col source="type" disableSort />
              <DataTable.Col source="at" disableSort>
                <DateField source="at" showTime />
              </DataTable.Col>
              <DataTable.Col source="status" disableSort>
                <FunctionField
                  render={(delivery: DeliveryRow) => (
                    <Chip size="small" color={DELIVERY_COLORS[delivery.status]} label={translate(`resources.webhook-deliveries.status.${delivery.status}`)} />
                  )}
                />
              </DataTable.Col>
              <DataTable.Col source="attempts" disableSort>
                <NumberField source="attempts" />
              </DataTable.Col>
              <DataTable.Col label="resources.webhook-deliveries.fields.lastResult">
                <LastResult />
              </DataTable.Col>
              <DataTable.Col source="lastLatencyMs" disableSort>
                <Latency />
              </DataTable.Col>
              <DataTable.Col source="nextAttemptAt" disableSort>
                <DateField source="nextAttemptAt" showTime emptyText="—" />
              </DataTable.Col>
            </DataTable>
          </ReferenceManyField>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>{translate('ra.action.close')}</Button>
        </DialogActions>
      </Dialog>
    </>
  );
}

/** Disable an endpoint (nothing is delivered to it meanwhile), or enable it again (which clears why it was disabled). */
function ToggleEndpoint() {
  const webhook = useRecordContext<WebhookRow>();
  const api = useApi();
  const translate = useTranslate();
  const enabling = webhook?.enabled === false;
  const { execute } = useCommand(
    () =>
      unwrap(
        api.PATCH('/partners/{id}/webhooks/{webhookId}', {
          params: { path: { id: webhook!.partnerId, webhookId: webhook!.id }, header: ifMatch(webhook!.version) },
          body: { enabled: enabling },
        }),
      ),
    { done: enabling ? 'resources.partner-webhooks.enabled_done' : 'resources.partner-webhooks.disabled_done' },
  );
  if (!webhook) return null;
  const action = enabling ? 'enable' : 'disable';
  return (
    <CommandDialog
      label={`resources.partner-webhooks.actions.${action}`}
      ariaLabel={translate(`resources.partner-webhooks.actions.${action}_named`, { url: webhook.url })}
      description={translate(`resources.partner-webhooks.${action}_hint`, { url: webhook.url })}
      access={{ resource: 'partner-webhooks', action: 'edit' }}
      icon={enabling ? <PlayArrow /> : <Block />}
      color={enabling ? 'primary' : 'error'}
      onSubmit={() => execute()}
    />
  );
}

/**
 * The partner's webhook endpoints: where and what it subscribed, whether delivery works, the latest
 * deliveries of each, and (partners:write) disabling or enabling one. There is deliberately no
 * creation form: partners create their own endpoints through the partner API (and receive the
 * signing secret there).
 */
export function PartnerWebhooks() {
  const translate = useTranslate();
  return (
    <Box sx={{ px: 2, pb: 2 }}>
      <Typography component="h2" variant="h6">
        {translate('resources.partner-webhooks.name', { smart_count: 2 })}
      </Typography>
      <ReferenceManyField reference="partner-webhooks" target="partnerId" perPage={25}>
        <DataTable bulkActionButtons={false} rowClick={false} empty={<Typography variant="body2">{translate('resources.partner-webhooks.empty')}</Typography>}>
          <DataTable.Col source="url" disableSort>
            <EndpointUrl />
          </DataTable.Col>
          <DataTable.Col source="eventTypes" disableSort>
            <TextArrayField source="eventTypes" />
          </DataTable.Col>
          <DataTable.Col source="enabled" disableSort>
            <EndpointStatus />
          </DataTable.Col>
          <DataTable.Col source="failingSince" disableSort>
            <DateField source="failingSince" showTime emptyText="—" />
          </DataTable.Col>
          <DataTable.Col label="resources.partner-webhooks.fields.actions">
            <Stack direction="row">
              <EndpointDeliveries />
              <ToggleEndpoint />
            </Stack>
          </DataTable.Col>
        </DataTable>
      </ReferenceManyField>
    </Box>
  );
}
