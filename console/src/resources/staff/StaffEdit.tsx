import { SaveButton, SimpleForm, TextInput, Toolbar, required } from 'react-admin';
import { BoEdit } from '../../shared/forms';
import { PendingRoleChange } from './PendingRoleChange';
import { RolesInput } from './RolesInput';

/** Name and roles; granting admin is sent for approval (the API answers 202 and the screen links to it). */
export default function StaffEdit() {
  return (
    <BoEdit>
      {/* Staff are disabled, never deleted (their history stays attributable): the toolbar only saves. */}
      <SimpleForm
        toolbar={
          <Toolbar>
            <SaveButton />
          </Toolbar>
        }
      >
        <PendingRoleChange />
        <TextInput source="name" validate={required()} fullWidth />
        <RolesInput />
      </SimpleForm>
    </BoEdit>
  );
}
