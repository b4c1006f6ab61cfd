import { MenuItem, Stack, Tab, Tabs, TextField, Typography } from '@mui/material';
import { DataTable, DateField, List, useListContext, useTranslate } from 'react-admin';
import { ActorText } from '../../shared/actor';
import { currentStep } from './steps';

export const KINDS = ['refund', 'price_change', 'stock_write_off', 'content_publish', 'admin_role_grant'] as const;
const DECIDED = ['approved', 'rejected', 'expired', 'failed'] as const;

/** Each queue is one API list: my inbox (mine=true takes no other filter), pending by kind, or one decided status. */
const QUEUES = {
  mine: { mine: 'true' },
  pending: { status: 'pending' },
  decided: { status: 'approved' },
} as const;
type Queue = keyof typeof QUEUES;

const queueOf = (filter: Record<string, unknown>): Queue => (filter.mine === 'true' ? 'mine' : filter.status && filter.status !== 'pending' ? 'decided' : 'pending');

function Queues() {
  const translate = useTranslate();
  const { filterValues, setFilters } = useListContext();
  const queue = queueOf(filterValues);
  const setFilter = (name: string, value: string) => setFilters({ ...filterValues, [name]: value || undefined }, {});
  return (
    <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ px: 2, pt: 1, alignItems: { md: 'center' } }}>
      <Tabs value={queue} onChange={(_, next: Queue) => setFilters(QUEUES[next], {})} aria-label={translate('resources.approvals.queues.label')} sx={{ flexShrink: 0 }}>
        {(Object.keys(QUEUES) as Queue[]).map((id) => (
          <Tab key={id} value={id} label={translate(`resources.approvals.queues.${id}`)} />
        ))}
      </Tabs>
      {queue === 'decided' && (
        <TextField select size="small" label={translate('resources.approvals.fields.status')} value={filterValues.status} onChange={(event) => setFilter('status', event.target.value)} sx={{ width: 200, flexShrink: 0 }}>
          {DECIDED.map((id) => (
            <MenuItem key={id} value={id}>
              {translate(`resources.approvals.status.${id}`)}
            </MenuItem>
          ))}
        </TextField>
      )}
      {queue !== 'mine' && (
        <TextField select size="small" label={translate('resources.approvals.fields.kind')} value={filterValues.kind ?? ''} onChange={(event) => setFilter('kind', event.target.value)} sx={{ width: 220, flexShrink: 0 }} slotProps={{ inputLabel: { shrink: true }, select: { displayEmpty: true } }}>
          <MenuItem value="">{translate('resources.approvals.all_kinds')}</MenuItem>
          {KINDS.map((id) => (
            <MenuItem key={id} value={id}>
              {translate(`resources.approvals.kinds.${id}`)}
            </MenuItem>
          ))}
        </TextField>
      )}
    </Stack>
  );
}

function CurrentStep({ record }: { record: { steps?: unknown } }) {
  const translate = useTranslate();
  const step = currentStep(record);
  if (!step) return <>{translate('resources.approvals.no_open_step')}</>;
  return <>{translate('resources.approvals.step_of_role', { role: step.role })}</>;
}

/** The approvals inbox: waiting for me (most urgent first), every pending one, or the decided ones. */
export default function ApprovalList() {
  const translate = useTranslate();
  return (
    <List filterDefaultValues={QUEUES.mine} actions={false} perPage={25} sort={{ field: 'id', order: 'ASC' }}>
      <Queues />
      <DataTable rowClick="show" bulkActionButtons={false} empty={<Typography sx={{ p: 2 }}>{translate('resources.approvals.empty_queue')}</Typography>}>
        <DataTable.Col source="kind" disableSort render={(record) => translate(`resources.approvals.kinds.${record.kind}`)} />
        <DataTable.Col source="summary" disableSort />
        <DataTable.Col source="status" disableSort render={(record) => translate(`resources.approvals.status.${record.status}`)} />
        <DataTable.Col source="steps" label="resources.approvals.fields.currentStep" disableSort render={(record) => <CurrentStep record={record} />} />
        <DataTable.Col
          source="dueAt"
          label="resources.approvals.fields.dueAt"
          disableSort
          render={(record) => <DateField record={{ id: record.id, dueAt: currentStep(record)?.dueAt }} source="dueAt" showTime emptyText="" />}
        />
        <DataTable.Col source="requestedBy" disableSort render={(record) => <ActorText actor={record.requestedBy} />} />
        <DataTable.Col source="createdAt" disableSort>
          <DateField source="createdAt" showTime />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
