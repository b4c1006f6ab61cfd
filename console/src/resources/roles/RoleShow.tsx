import { DateField, DeleteButton, EditButton, NumberField, Show, SimpleShowLayout, TextArrayField, TextField, TopToolbar, useRecordContext } from 'react-admin';
import { BuiltInField } from './BuiltInField';

/** Built-in roles are read-only: no edit, no delete. */
function Actions() {
  const record = useRecordContext();
  if (!record || record.builtIn) return null;
  return (
    <TopToolbar>
      <EditButton />
      <DeleteButton mutationMode="pessimistic" />
    </TopToolbar>
  );
}

export default function RoleShow() {
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <TextField source="name" />
        <BuiltInField source="builtIn" />
        <TextField source="description" emptyText="—" />
        <TextArrayField source="permissions" />
        <NumberField source="assignedCount" emptyText="—" />
        <DateField source="updatedAt" showTime emptyText="—" />
        <TextField source="updatedBy" emptyText="—" />
      </SimpleShowLayout>
    </Show>
  );
}
