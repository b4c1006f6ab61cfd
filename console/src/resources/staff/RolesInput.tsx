import { AutocompleteArrayInput, ReferenceArrayInput } from 'react-admin';

/** The roles of a staff member, chosen among the roles that exist (built-in and custom; a role's id is its name). */
export function RolesInput() {
  return (
    <ReferenceArrayInput source="roles" reference="roles" perPage={100}>
      <AutocompleteArrayInput optionText="name" label="resources.staff.fields.roles" helperText="resources.staff.roles_hint" fullWidth />
    </ReferenceArrayInput>
  );
}
