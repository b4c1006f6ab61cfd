import { SimpleForm, TextInput, required } from 'react-admin';

/**
 * A piece of content. Every save is a new version; the slug names the piece for partners and is
 * fixed once created (its format and uniqueness are checked by the API, the answer lands on it).
 */
export function ContentForm({ creating = false }: { creating?: boolean }) {
  return (
    <SimpleForm>
      <TextInput source="slug" validate={required()} disabled={!creating} helperText={creating ? 'resources.content.hints.slug' : false} />
      <TextInput source="title" validate={required()} fullWidth />
      <TextInput source="body" validate={required()} multiline minRows={10} fullWidth />
    </SimpleForm>
  );
}
