import { SimpleForm, TextInput, required } from 'react-admin';
import { MaskedHint } from './MaskedHint';

/**
 * The customer form; formats are checked by the API (its answers land on the fields). A new
 * customer without a phone sends none; clearing the phone of an existing one removes it (null).
 */
export function CustomerForm({ removablePhone }: { removablePhone: boolean }) {
  return (
    <SimpleForm>
      <TextInput source="name" validate={required()} fullWidth />
      <TextInput source="email" validate={required()} fullWidth />
      <TextInput source="phone" type="tel" fullWidth parse={removablePhone ? undefined : (value: string) => value || undefined} />
      <MaskedHint />
    </SimpleForm>
  );
}
