import { SelectInput, SimpleForm, TextInput, required, useTranslate } from 'react-admin';
import { MoneyInput } from '../../shared/money';

/**
 * The product form. The SKU's format is checked by the API (its answer lands on the field), so the
 * rule lives in one place. A price change may need approval: the API says so with a 202.
 */
export function ProductForm() {
  const translate = useTranslate();
  return (
    <SimpleForm>
      <TextInput source="sku" validate={required()} />
      <TextInput source="name" validate={required()} fullWidth />
      <TextInput source="description" multiline minRows={3} fullWidth />
      <MoneyInput source="price" />
      <SelectInput
        source="status"
        choices={['draft', 'active', 'archived'].map((id) => ({ id, name: translate(`resources.products.status.${id}`) }))}
        defaultValue="draft"
      />
    </SimpleForm>
  );
}
