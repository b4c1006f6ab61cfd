import { CreateButton, DataTable, DateField, FunctionField, List, TextArrayField, TopToolbar, useTranslate, type RaRecord } from 'react-admin';

/** Staff members: roles, status, and a role change waiting for approval. */
export default function StaffList() {
  const translate = useTranslate();
  return (
    <List
      actions={
        <TopToolbar>
          <CreateButton />
        </TopToolbar>
      }
      perPage={25}
    >
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="name" disableSort />
        <DataTable.Col source="email" disableSort />
        <DataTable.Col source="roles" disableSort>
          <TextArrayField source="roles" />
        </DataTable.Col>
        <DataTable.Col source="status" disableSort>
          <FunctionField render={(record: RaRecord) => translate(`resources.staff.status.${record.status}`)} />
        </DataTable.Col>
        <DataTable.Col source="pendingRoleChange" disableSort>
          <FunctionField render={(record: RaRecord) => (record.pendingRoleChange ? (record.pendingRoleChange as { roles: string[] }).roles.join(', ') : '')} />
        </DataTable.Col>
        <DataTable.Col source="updatedAt" disableSort>
          <DateField source="updatedAt" showTime />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
