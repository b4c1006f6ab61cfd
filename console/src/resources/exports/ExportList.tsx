import { BooleanInput, CreateButton, DataTable, DateField, FunctionField, List, NumberField, TopToolbar, useCanAccess, useTranslate, type RaRecord } from 'react-admin';

/** My exports, or everyone's with exports:read_all. */
export default function ExportList() {
  const translate = useTranslate();
  const { canAccess: seesAll } = useCanAccess({ resource: 'exports', action: 'all' });
  return (
    <List
      filters={seesAll ? [<BooleanInput key="all" source="all" alwaysOn />] : undefined}
      actions={
        <TopToolbar>
          <CreateButton />
        </TopToolbar>
      }
      perPage={25}
      exporter={false}
      // The "all requesters" filter must stay reachable when I have no export of my own.
      empty={false}
    >
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="createdAt" disableSort>
          <DateField source="createdAt" showTime />
        </DataTable.Col>
        <DataTable.Col source="entity" disableSort>
          <FunctionField render={(record: RaRecord) => translate(`resources.exports.entity.${record.entity}`)} />
        </DataTable.Col>
        <DataTable.Col source="format" disableSort />
        <DataTable.Col source="status" disableSort>
          <FunctionField render={(record: RaRecord) => translate(`resources.exports.status.${record.status}`)} />
        </DataTable.Col>
        <DataTable.Col source="rowCount" disableSort>
          <NumberField source="rowCount" emptyText="—" />
        </DataTable.Col>
        <DataTable.Col source="requestedBy" disableSort />
      </DataTable>
    </List>
  );
}
