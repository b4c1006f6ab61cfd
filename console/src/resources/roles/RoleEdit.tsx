import { Alert } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';
import { BoEdit } from '../../shared/forms';
import { RoleForm } from './RoleForm';

/** Built-in roles are defined by the code and cannot change: the screen says so instead of a form that the API would refuse. */
function FormUnlessBuiltIn() {
  const record = useRecordContext();
  const translate = useTranslate();
  if (!record) return null;
  if (record.builtIn) return <Alert severity="info">{translate('resources.roles.built_in_read_only')}</Alert>;
  return <RoleForm />;
}

export default function RoleEdit() {
  return (
    <BoEdit>
      <FormUnlessBuiltIn />
    </BoEdit>
  );
}
