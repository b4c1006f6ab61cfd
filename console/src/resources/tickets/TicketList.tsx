import WarningAmber from '@mui/icons-material/WarningAmber';
import { Chip, MenuItem, Stack, Tab, Tabs, TextField, Typography } from '@mui/material';
import { CreateButton, DataTable, DateField, List, TopToolbar, useListContext, useTranslate } from 'react-admin';
import { ActorText } from '../../shared/actor';
import { TICKET_STATUSES } from './lifecycle';

/** The API serves one list at a time (functions/support: list, status or customerId), each earliest due first. */
const QUEUES = ['unassigned', 'mine', 'overdue', 'status'] as const;
type Queue = (typeof QUEUES)[number];

function Queues() {
  const translate = useTranslate();
  const { filterValues, setFilters } = useListContext();
  const queue: Queue = filterValues.status ? 'status' : ((filterValues.list as Queue | undefined) ?? 'unassigned');
  const choose = (next: Queue) => setFilters(next === 'status' ? { status: 'open' } : { list: next }, {});
  return (
    <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ px: 2, pt: 1, alignItems: { md: 'center' } }}>
      <Tabs value={queue} onChange={(_, next: Queue) => choose(next)} aria-label={translate('resources.tickets.queues.label')} sx={{ flexShrink: 0 }}>
        {QUEUES.map((id) => (
          <Tab key={id} value={id} label={translate(`resources.tickets.queues.${id}`)} />
        ))}
      </Tabs>
      {queue === 'status' && (
        <TextField
          select
          size="small"
          label={translate('resources.tickets.fields.status')}
          value={filterValues.status}
          onChange={(event) => setFilters({ status: event.target.value }, {})}
          sx={{ width: 200, flexShrink: 0 }}
        >
          {TICKET_STATUSES.map((id) => (
            <MenuItem key={id} value={id}>
              {translate(`resources.tickets.status.${id}`)}
            </MenuItem>
          ))}
        </TextField>
      )}
    </Stack>
  );
}

/** Past its SLA: said in words and with an icon, the row's tint only repeats it. */
export function OverdueChip() {
  const translate = useTranslate();
  return <Chip size="small" color="error" icon={<WarningAmber />} label={translate('resources.tickets.fields.overdue')} />;
}

/** The ticket queues, earliest SLA due time first; overdue tickets stand out. */
export default function TicketList() {
  const translate = useTranslate();
  return (
    <List
      filterDefaultValues={{ list: 'unassigned' }}
      actions={
        <TopToolbar>
          <CreateButton />
        </TopToolbar>
      }
      perPage={25}
      sort={{ field: 'dueAt', order: 'ASC' }}
    >
      <Queues />
      {/* The API always needs a queue: no "clear filters" here. */}
      <DataTable
        rowClick="show"
        bulkActionButtons={false}
        empty={<Typography sx={{ p: 2 }}>{translate('resources.tickets.empty_queue')}</Typography>}
        rowSx={(record) => (record.overdue ? { bgcolor: 'action.hover' } : {})}>
        <DataTable.Col
          source="dueAt"
          disableSort
          render={(record) => (
            <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
              <DateField source="dueAt" showTime />
              {record.overdue && <OverdueChip />}
            </Stack>
          )}
        />
        <DataTable.Col source="subject" disableSort />
        <DataTable.Col source="priority" disableSort render={(record) => translate(`resources.tickets.priority.${record.priority}`)} />
        <DataTable.Col source="status" disableSort render={(record) => translate(`resources.tickets.status.${record.status}`)} />
        <DataTable.Col source="assigneeId" disableSort render={(record) => (record.assigneeId ? <ActorText actor={`staff:${record.assigneeId}`} /> : '')} />
        <DataTable.Col source="createdAt" disableSort>
          <DateField source="createdAt" showTime />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
