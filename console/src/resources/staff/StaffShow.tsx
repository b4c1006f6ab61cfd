import Block from '@mui/icons-material/Block';
import CheckCircle from '@mui/icons-material/CheckCircle';
import { DateField, EditButton, FunctionField, Show, SimpleShowLayout, TextArrayField, TextField, TopToolbar, useRecordContext, useTranslate, type RaRecord } from 'react-admin';
import { unwrap } from '../../api/call';
import { ifMatch } from '../../api/client';
import { useApi } from '../../shared/api-context';
import { CommandDialog } from '../../shared/CommandDialog';
import { useCommand } from '../../shared/useCommand';
import { PendingRoleChange } from './PendingRoleChange';

/** Disable (signs the person out of everything, keeps the record and its history) or enable again. */
function ToggleAccess() {
  const record = useRecordContext();
  const api = useApi();
  const translate = useTranslate();
  const disabling = record?.status === 'active';
  const { execute } = useCommand(() => {
    const params = { params: { path: { id: String(record!.id) }, header: ifMatch(record!.version) } };
    return unwrap(disabling ? api.POST('/staff/{id}/disable', params) : api.POST('/staff/{id}/enable', params));
  });
  if (!record) return null;
  return (
    <CommandDialog
      label={disabling ? 'resources.staff.actions.disable' : 'resources.staff.actions.enable'}
      description={translate(disabling ? 'resources.staff.disable_hint' : 'resources.staff.enable_hint', { name: record.name })}
      access={{ resource: 'staff', action: 'disable' }}
      icon={disabling ? <Block /> : <CheckCircle />}
      color={disabling ? 'error' : 'primary'}
      onSubmit={() => execute()}
    />
  );
}

function Actions() {
  return (
    <TopToolbar>
      <ToggleAccess />
      <EditButton />
    </TopToolbar>
  );
}

/** A staff member: identity, roles, status; edit, disable or enable. */
export default function StaffShow() {
  const translate = useTranslate();
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <PendingRoleChange />
        <TextField source="name" />
        <TextField source="email" />
        <TextArrayField source="roles" />
        <FunctionField source="status" render={(record: RaRecord) => translate(`resources.staff.status.${record.status}`)} />
        <DateField source="createdAt" showTime />
        <DateField source="updatedAt" showTime />
        <TextField source="updatedBy" />
      </SimpleShowLayout>
    </Show>
  );
}
