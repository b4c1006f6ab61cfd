import AddComment from '@mui/icons-material/AddComment';
import AssignmentInd from '@mui/icons-material/AssignmentInd';
import CheckCircle from '@mui/icons-material/CheckCircle';
import Lock from '@mui/icons-material/Lock';
import Person from '@mui/icons-material/Person';
import PlayArrow from '@mui/icons-material/PlayArrow';
import Public from '@mui/icons-material/Public';
import Replay from '@mui/icons-material/Replay';
import TaskAlt from '@mui/icons-material/TaskAlt';
import { Box, Chip, Stack, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import {
  BooleanInput,
  DataTable,
  DateField,
  Labeled,
  RadioButtonGroupInput,
  ReferenceField,
  ReferenceInput,
  ReferenceManyField,
  SelectInput,
  Show,
  SimpleShowLayout,
  TextField,
  TextInput,
  TopToolbar,
  required,
  useCanAccess,
  useDataProvider,
  useGetIdentity,
  useLocale,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { unwrap } from '../../api/call';
import { ifMatch, type Schemas } from '../../api/client';
import { useApi } from '../../shared/api-context';
import { CommandDialog } from '../../shared/CommandDialog';
import { useCommand } from '../../shared/useCommand';
import { ActorText } from '../../shared/actor';
import { canRun } from './lifecycle';
import { OverdueChip } from './TicketList';

type Ticket = Schemas['Ticket'];
const TRANSITION = { resource: 'tickets', action: 'transition' };

/** A lifecycle command of the ticket at the version shown (a stale version answers 412: reload). */
function useTransition<Input>(send: (ticket: Ticket, input: Input) => Promise<unknown>, done: string) {
  const record = useRecordContext<Ticket>();
  return useCommand((input: Input) => send(record!, input), { done });
}

function Assign() {
  const api = useApi();
  const record = useRecordContext<Ticket>();
  const translate = useTranslate();
  // Support members may not read the staff list: they type the id (the API checks it is a support member).
  const { canAccess: canListStaff } = useCanAccess({ resource: 'staff', action: 'list' });
  const { execute } = useTransition(
    (ticket, values: Record<string, unknown>) =>
      unwrap(api.POST('/tickets/{id}/assign', { params: { path: { id: ticket.id }, header: ifMatch(ticket.version) }, body: { assigneeId: String(values.assigneeId) } })),
    'resources.tickets.done.assigned',
  );
  if (!canRun('assign', record?.status)) return null;
  return (
    <CommandDialog label="resources.tickets.actions.assign" access={TRANSITION} icon={<AssignmentInd />} onSubmit={(values) => execute(values)} description={translate('resources.tickets.hints.assign')}>
      {canListStaff ? (
        <ReferenceInput source="assigneeId" reference="staff" perPage={100}>
          <SelectInput optionText="name" label="resources.tickets.fields.assigneeId" validate={required()} fullWidth />
        </ReferenceInput>
      ) : (
        <TextInput source="assigneeId" label="resources.tickets.fields.assigneeId" validate={required()} fullWidth />
      )}
    </CommandDialog>
  );
}

function AssignToMe() {
  const api = useApi();
  const record = useRecordContext<Ticket>();
  const { identity } = useGetIdentity();
  const { execute } = useTransition(
    (ticket) => unwrap(api.POST('/tickets/{id}/assign', { params: { path: { id: ticket.id }, header: ifMatch(ticket.version) }, body: { assigneeId: String(identity!.id) } })),
    'resources.tickets.done.assigned',
  );
  if (!identity || !canRun('assign', record?.status) || record?.assigneeId === identity.id) return null;
  return <CommandDialog label="resources.tickets.actions.assign_to_me" access={TRANSITION} icon={<Person />} onSubmit={() => execute(undefined)} />;
}

function Start() {
  const api = useApi();
  const record = useRecordContext<Ticket>();
  const { execute } = useTransition((ticket) => unwrap(api.POST('/tickets/{id}/start', { params: { path: { id: ticket.id }, header: ifMatch(ticket.version) } })), 'resources.tickets.done.started');
  if (!canRun('start', record?.status)) return null;
  return <CommandDialog label="resources.tickets.actions.start" access={TRANSITION} icon={<PlayArrow />} onSubmit={() => execute(undefined)} />;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

function Resolve() {
  const api = useApi();
  const record = useRecordContext<Ticket>();
  const { execute } = useTransition(
    (ticket, values: Record<string, unknown>) =>
      unwrap(api.POST('/tickets/{id}/resolve', { params: { path: { id: ticket.id }, header: ifMatch(ticket.version) }, body: { resolution: text(values.resolution) } })),
    'resources.tickets.done.resolved',
  );
  if (!canRun('resolve', record?.status)) return null;
  return (
    <CommandDialog label="resources.tickets.actions.resolve" access={TRANSITION} icon={<TaskAlt />} color="success" onSubmit={(values) => execute(values)}>
      <TextInput source="resolution" label="resources.tickets.fields.resolution" multiline minRows={3} fullWidth />
    </CommandDialog>
  );
}

function CloseTicket() {
  const api = useApi();
  const record = useRecordContext<Ticket>();
  const { execute } = useTransition((ticket) => unwrap(api.POST('/tickets/{id}/close', { params: { path: { id: ticket.id }, header: ifMatch(ticket.version) } })), 'resources.tickets.done.closed');
  if (!canRun('close', record?.status)) return null;
  return <CommandDialog label="resources.tickets.actions.close" access={TRANSITION} icon={<CheckCircle />} onSubmit={() => execute(undefined)} />;
}

function Reopen() {
  const api = useApi();
  const record = useRecordContext<Ticket>();
  const translate = useTranslate();
  const { execute } = useTransition(
    (ticket, values: Record<string, unknown>) =>
      unwrap(
        api.POST('/tickets/{id}/reopen', {
          params: { path: { id: ticket.id }, header: ifMatch(ticket.version) },
          body: { reason: text(values.reason), unassign: values.unassign === true },
        }),
      ),
    'resources.tickets.done.reopened',
  );
  if (!canRun('reopen', record?.status)) return null;
  return (
    <CommandDialog label="resources.tickets.actions.reopen" access={TRANSITION} icon={<Replay />} color="warning" onSubmit={(values) => execute(values)} description={translate('resources.tickets.hints.reopen')}>
      <TextInput source="reason" label="resources.tickets.fields.reason" validate={required()} multiline minRows={2} fullWidth />
      <BooleanInput source="unassign" label="resources.tickets.fields.unassign" />
    </CommandDialog>
  );
}

function AddTicketComment() {
  const record = useRecordContext<Ticket>();
  const dataProvider = useDataProvider();
  const translate = useTranslate();
  const { execute } = useCommand(
    (values: Record<string, unknown>) => dataProvider.create('ticket-comments', { data: { ticketId: record!.id, body: values.body, visibility: values.visibility } }).then(({ data }) => data),
    { done: 'resources.ticket-comments.done' },
  );
  return (
    <CommandDialog
      label="resources.ticket-comments.actions.add"
      access={{ resource: 'tickets', action: 'comment' }}
      icon={<AddComment />}
      defaultValues={{ visibility: 'internal' }}
      onSubmit={(values) => execute(values)}
    >
      <TextInput source="body" label="resources.ticket-comments.fields.body" validate={required()} multiline minRows={3} fullWidth />
      <RadioButtonGroupInput
        source="visibility"
        label="resources.ticket-comments.fields.visibility"
        choices={['internal', 'customer'].map((id) => ({ id, name: translate(`resources.ticket-comments.visibility.${id}`) }))}
      />
    </CommandDialog>
  );
}

function Visibility({ record }: { record: { visibility?: unknown } }) {
  const translate = useTranslate();
  const internal = record.visibility === 'internal';
  return (
    <Chip
      size="small"
      variant={internal ? 'outlined' : 'filled'}
      icon={internal ? <Lock /> : <Public />}
      label={translate(`resources.ticket-comments.visibility.${record.visibility}`)}
    />
  );
}

/** The conversation: internal notes and what the customer sees, each marked in words. */
function Comments() {
  const translate = useTranslate();
  return (
    <Box>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', mb: 1 }}>
        <Typography component="h2" variant="h6">
          {translate('resources.ticket-comments.name', { smart_count: 2 })}
        </Typography>
        <AddTicketComment />
      </Stack>
      <ReferenceManyField reference="ticket-comments" target="ticketId" perPage={50}>
        <DataTable bulkActionButtons={false} empty={<Typography variant="body2">{translate('resources.ticket-comments.empty')}</Typography>}>
          <DataTable.Col source="createdAt" disableSort>
            <DateField source="createdAt" showTime />
          </DataTable.Col>
          <DataTable.Col source="author" disableSort render={(record) => <ActorText actor={record.author} />} />
          <DataTable.Col source="visibility" disableSort render={(record) => <Visibility record={record} />} />
          <DataTable.Col source="body" disableSort sx={{ whiteSpace: 'pre-wrap' }} />
        </DataTable>
      </ReferenceManyField>
    </Box>
  );
}

/** Every state the ticket went through, who moved it and why, oldest first. */
function History() {
  const record = useRecordContext<Ticket>();
  const api = useApi();
  const translate = useTranslate();
  const locale = useLocale();
  const { data } = useQuery({
    queryKey: ['tickets', 'history', record?.id, record?.version],
    queryFn: () => unwrap(api.GET('/tickets/{id}/history', { params: { path: { id: record!.id } } })),
    enabled: Boolean(record),
  });
  const status = (value: string) => translate(`resources.tickets.status.${value}`);
  return (
    <Box>
      <Typography component="h2" variant="h6" sx={{ mb: 1 }}>
        {translate('resources.tickets.history.title')}
      </Typography>
      <Box component="ol" sx={{ m: 0, pl: 3 }}>
        {data?.items.map((entry, index) => (
          <Box component="li" key={index} sx={{ mb: 1 }}>
            <Typography variant="body2">
              <time dateTime={entry.at}>{new Date(entry.at).toLocaleString(locale)}</time> — <ActorText actor={entry.actor} />:{' '}
              {entry.from === null
                ? translate('resources.tickets.history.created', { to: status(entry.to) })
                : translate('resources.tickets.history.moved', { from: status(entry.from), to: status(entry.to) })}
              {entry.assigneeId && (
                <>
                  {' · '}
                  {translate('resources.tickets.fields.assigneeId')}: <ActorText actor={`staff:${entry.assigneeId}`} />
                </>
              )}
              {entry.reason && <> · {translate('resources.tickets.history.reason', { reason: entry.reason })}</>}
            </Typography>
          </Box>
        ))}
      </Box>
    </Box>
  );
}

function Due() {
  const record = useRecordContext<Ticket>();
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
      <DateField source="dueAt" showTime />
      {record?.overdue && <OverdueChip />}
    </Stack>
  );
}

function Translated({ source }: { source: 'status' | 'priority' }) {
  const record = useRecordContext<Ticket>();
  const translate = useTranslate();
  return <span>{record ? translate(`resources.tickets.${source}.${record[source]}`) : ''}</span>;
}

function Assignee() {
  const record = useRecordContext<Ticket>();
  return <ActorText actor={record?.assigneeId ? `staff:${record.assigneeId}` : undefined} />;
}

/** A ticket: its data and SLA, the lifecycle commands its state allows, the conversation and the history. */
export default function TicketShow() {
  const { canAccess: canReadCustomers } = useCanAccess({ resource: 'customers', action: 'show' });
  return (
    <Show
      actions={
        <TopToolbar>
          <AssignToMe />
          <Assign />
          <Start />
          <Resolve />
          <CloseTicket />
          <Reopen />
        </TopToolbar>
      }
    >
      <SimpleShowLayout>
        <TextField source="subject" />
        <TextField source="description" sx={{ whiteSpace: 'pre-wrap' }} />
        <Labeled source="priority">
          <Translated source="priority" />
        </Labeled>
        <Labeled source="status">
          <Translated source="status" />
        </Labeled>
        <Labeled source="dueAt">
          <Due />
        </Labeled>
        <Labeled source="assigneeId">
          <Assignee />
        </Labeled>
        {canReadCustomers ? <ReferenceField source="customerId" reference="customers" emptyText="—" /> : <TextField source="customerId" emptyText="—" />}
        <TextField source="orderId" emptyText="—" />
        <TextField source="resolution" emptyText="—" />
        <DateField source="resolvedAt" showTime emptyText="—" />
        <DateField source="closedAt" showTime emptyText="—" />
        <DateField source="createdAt" showTime />
        <TextField source="createdBy" />
        <Comments />
        <History />
      </SimpleShowLayout>
    </Show>
  );
}
