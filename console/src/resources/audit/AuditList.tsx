import Timeline from '@mui/icons-material/Timeline';
import { Button } from '@mui/material';
import {
  DataTable,
  DateField,
  DateInput,
  FunctionField,
  List,
  Pagination,
  SelectInput,
  TextInput,
  regex,
  useListContext,
  useRecordContext,
  useTranslate,
  type RaRecord,
} from 'react-admin';
import type { Schemas } from '../../api/client';
import { ChangesTable } from './ChangesTable';
import { EntityTimeline, type AuditFilter } from './EntityTimeline';

/** The entity types the services audit (lower-case singular names, as in the log). */
const ENTITY_TYPES = [
  'product',
  'stock_adjustment',
  'customer',
  'customer_partner',
  'order',
  'payment',
  'refund',
  'shipment',
  'tracking_event',
  'ticket',
  'ticket_comment',
  'content',
  'content_version',
  'approval',
  'approval_policy',
  'ledger_entry',
  'ledger_balance',
  'export_job',
  'partner',
  'partner_key',
  'staff',
  'role',
].map((id) => ({ id, name: id }));

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

const filters = [
  <SelectInput key="entityType" source="entityType" choices={ENTITY_TYPES} alwaysOn />,
  <TextInput key="entityId" source="entityId" alwaysOn />,
  <TextInput key="actor" source="actor" validate={regex(/^(staff|partner|system):\S+$/, 'resources.audit.actor_format')} helperText="resources.audit.actor_format" />,
  <DateInput key="from" source="from" alwaysOn />,
  <DateInput key="to" source="to" alwaysOn />,
];

function EntryChanges() {
  const record = useRecordContext<RaRecord & Schemas['AuditEntry']>();
  return record ? <ChangesTable changes={record.changes} /> : null;
}

/** Opens the whole history of a row's entity (without the time range, which would cut it). */
function HistoryButton() {
  const record = useRecordContext();
  const { setFilters } = useListContext();
  const translate = useTranslate();
  if (!record) return null;
  return (
    <Button
      size="small"
      startIcon={<Timeline />}
      onClick={(event) => {
        event.stopPropagation();
        setFilters({ entityType: record.entityType, entityId: record.entityId }, {});
      }}
    >
      {translate('resources.audit.history')}
    </Button>
  );
}

/** With one entity chosen, its timeline; otherwise the entries of a time range or an actor, a row unfolding to its changes. */
function Entries() {
  const { filterValues } = useListContext();
  const translate = useTranslate();
  const { entityType, entityId } = filterValues as Partial<AuditFilter>;
  // The whole history: the list's time range (a default filter) would cut it.
  if (entityType && entityId) return <EntityTimeline filter={{ entityType, entityId }} />;
  return (
    <DataTable bulkActionButtons={false} expand={<EntryChanges />} rowClick="expand">
      <DataTable.Col source="at" disableSort>
        <DateField source="at" showTime />
      </DataTable.Col>
      <DataTable.Col source="entityType" disableSort />
      <DataTable.Col source="entityId" disableSort />
      <DataTable.Col source="action" disableSort>
        <FunctionField render={(record: RaRecord) => translate(`resources.audit.action.${record.action}`)} />
      </DataTable.Col>
      <DataTable.Col source="actor" disableSort />
      <DataTable.Col source="requestId" disableSort />
      <DataTable.Col label="resources.audit.history">
        <HistoryButton />
      </DataTable.Col>
    </DataTable>
  );
}

/** The timeline reads an entity's whole history itself: pages are for the other lists. */
function PagesUnlessTimeline() {
  const { filterValues } = useListContext();
  return filterValues.entityType && filterValues.entityId ? null : <Pagination />;
}

/**
 * The audit log. The API needs an entity, an actor or a time range (31 days at most): the list
 * opens on the last week.
 */
export default function AuditList() {
  return (
    <List filters={filters} filterDefaultValues={{ from: day(-6), to: day(0) }} perPage={50} exporter={false} pagination={<PagesUnlessTimeline />}>
      <Entries />
    </List>
  );
}
