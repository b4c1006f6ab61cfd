import { CreateButton, DataTable, List, NumberField, TextArrayField, TopToolbar } from 'react-admin';
import { BuiltInField } from './BuiltInField';

/** Roles: built-in (read-only) and custom ones, with what they grant. */
export default function RoleList() {
  return (
    <List
      actions={
        <TopToolbar>
          <CreateButton />
        </TopToolbar>
      }
      perPage={50}
    >
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="name" disableSort />
        <DataTable.Col source="builtIn" disableSort>
          <BuiltInField />
        </DataTable.Col>
        <DataTable.Col source="description" disableSort />
        <DataTable.Col source="permissions" disableSort>
          <TextArrayField source="permissions" />
        </DataTable.Col>
        <DataTable.Col source="assignedCount" disableSort>
          <NumberField source="assignedCount" emptyText="—" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
