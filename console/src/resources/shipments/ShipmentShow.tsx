import AddLocation from '@mui/icons-material/AddLocation';
import { List, ListItem, ListItemText, Typography } from '@mui/material';
import {
  DateField,
  DateTimeInput,
  Labeled,
  SelectField,
  SelectInput,
  Show,
  SimpleShowLayout,
  TextField,
  TextInput,
  TopToolbar,
  required,
  useLocale,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { commandResult } from '../../api/call';
import { sendOnce, type Schemas } from '../../api/client';
import { useApi } from '../../shared/api-context';
import { CommandDialog } from '../../shared/CommandDialog';
import { useCommand } from '../../shared/useCommand';
import { ReferenceLink } from '../../shared/ReferenceLink';

type Shipment = Schemas['ShipmentWithEvents'];

const STATUSES = ['created', 'in_transit', 'out_for_delivery', 'delivered', 'exception'].map((id) => ({ id, name: `resources.shipments.status.${id}` }));
const EVENT_TYPES = STATUSES.filter(({ id }) => id !== 'created');

/** A carrier's event typed in by staff; a delivery also moves the order to delivered. A delivered shipment takes no more. */
function AddTrackingEvent() {
  const shipment = useRecordContext<Shipment>();
  const api = useApi();
  const { execute } = useCommand(
    async (values: Record<string, unknown>) => {
      const body = {
        type: values.type,
        ...(values.at ? { at: new Date(values.at as string).toISOString() } : {}),
        ...(values.location ? { location: values.location } : {}),
      } as Schemas['CreateTrackingEventRequest'];
      return sendOnce(`track ${shipment!.id}`, body, (key) =>
        commandResult(api.POST('/shipments/{id}/events', { params: { path: { id: shipment!.id }, header: { 'Idempotency-Key': key } }, body })),
      );
    },
    { done: 'resources.shipments.notifications.tracked' },
  );
  if (!shipment || shipment.status === 'delivered') return null;
  return (
    <CommandDialog
      label="resources.shipments.actions.track"
      access={{ resource: 'shipments', action: 'track' }}
      icon={<AddLocation />}
      defaultValues={{ type: 'in_transit' }}
      onSubmit={(values) => execute(values)}
    >
      <SelectInput source="type" label="resources.shipments.fields.eventType" choices={EVENT_TYPES} validate={required()} />
      <DateTimeInput source="at" label="resources.shipments.fields.at" helperText="resources.shipments.at_hint" />
      <TextInput source="location" label="resources.shipments.fields.location" fullWidth />
    </CommandDialog>
  );
}

/** The carrier's events, oldest first (as they happened, not as they were recorded). */
function TrackingEvents() {
  const shipment = useRecordContext<Shipment>();
  const translate = useTranslate();
  const locale = useLocale();
  if (!shipment) return null;
  if (shipment.events.length === 0) return <Typography variant="body2">{translate('resources.shipments.no_events')}</Typography>;
  const events = [...shipment.events].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <List component="ol" dense disablePadding sx={{ borderLeft: 2, borderColor: 'divider', pl: 2 }}>
      {events.map((event) => (
        <ListItem key={event.id} disableGutters component="li">
          <ListItemText
            primary={[translate(`resources.shipments.status.${event.type}`), event.location].filter(Boolean).join(' · ')}
            secondary={translate('resources.shipments.event_line', {
              at: new Date(event.at).toLocaleString(locale),
              by: event.recordedBy,
            })}
          />
        </ListItem>
      ))}
    </List>
  );
}

/** A shipment: carrier, tracking number, status, its order and its tracking events. */
export default function ShipmentShow() {
  return (
    <Show
      actions={
        <TopToolbar>
          <AddTrackingEvent />
        </TopToolbar>
      }
    >
      <SimpleShowLayout>
        <TextField source="carrier" />
        <TextField source="trackingNumber" />
        <SelectField source="status" choices={STATUSES} />
        <ReferenceLink source="orderId" reference="orders" />
        <DateField source="createdAt" showTime />
        <DateField source="updatedAt" showTime />
        <TextField source="updatedBy" />
        <Labeled label="resources.shipments.fields.events">
          <TrackingEvents />
        </Labeled>
      </SimpleShowLayout>
    </Show>
  );
}
