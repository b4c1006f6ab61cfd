import { SimpleForm, TextInput, email, required } from 'react-admin';
import { BoCreate } from '../../shared/forms';
import { RolesInput } from './RolesInput';

export default function StaffCreate() {
  return (
    <BoCreate>
      <SimpleForm>
        <TextInput source="email" type="email" validate={[required(), email()]} fullWidth />
        <TextInput source="name" validate={required()} fullWidth />
        <RolesInput />
      </SimpleForm>
    </BoCreate>
  );
}
