import { SelectInput, SimpleForm, TextInput, required, useTranslate } from 'react-admin';
import { BoCreate } from '../../shared/forms';
import { PRIORITIES } from './lifecycle';

/** Files a ticket; its SLA due time follows from the priority. Customer and order are optional ids, checked by the API. */
export default function TicketCreate() {
  const translate = useTranslate();
  return (
    <BoCreate>
      <SimpleForm>
        <TextInput source="subject" validate={required()} fullWidth />
        <TextInput source="description" validate={required()} multiline minRows={4} fullWidth />
        <SelectInput
          source="priority"
          choices={PRIORITIES.map((id) => ({ id, name: translate(`resources.tickets.priority.${id}`) }))}
          defaultValue="normal"
          validate={required()}
        />
        <TextInput source="customerId" helperText="resources.tickets.hints.customerId" />
        <TextInput source="orderId" helperText="resources.tickets.hints.orderId" />
      </SimpleForm>
    </BoCreate>
  );
}
