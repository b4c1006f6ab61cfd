import { SaveButton, SimpleForm, TextInput, Toolbar, maxLength, regex, required } from 'react-admin';
import { PermissionPicker } from './PermissionPicker';

/** A custom role; its name is its id, so it is set once, at creation. */
export function RoleForm({ creating = false }: { creating?: boolean }) {
  return (
    // Deleting a role is offered on its page, not next to Save.
    <SimpleForm
      toolbar={
        <Toolbar>
          <SaveButton />
        </Toolbar>
      }
    >
      <TextInput
        source="name"
        disabled={!creating}
        validate={creating ? [required(), regex(/^[a-z][a-z0-9_-]{1,39}$/, 'resources.roles.name_format')] : undefined}
        helperText={creating ? 'resources.roles.name_format' : false}
      />
      <TextInput source="description" multiline fullWidth validate={maxLength(500)} />
      <PermissionPicker />
    </SimpleForm>
  );
}
