import { ArrayInput, NumberInput, SimpleForm, SimpleFormIterator, minValue, required } from 'react-admin';
import { BoCreate } from '../../shared/forms';
import { PickInput } from './PickInput';

/**
 * A new order: a customer and lines of active products. Prices, stock reservation and totals are
 * the API's; the data provider sends an Idempotency-Key so a retried save does not order twice.
 */
export default function OrderCreate() {
  return (
    <BoCreate>
      <SimpleForm defaultValues={{ lines: [{ quantity: 1 }] }}>
        <PickInput source="customerId" reference="customers" validate={required()} />
        <ArrayInput source="lines" validate={required()}>
          <SimpleFormIterator inline disableReordering>
            <PickInput source="productId" reference="products" filter={{ status: 'active' }} label="resources.orders.fields.product" validate={required()} />
            <NumberInput source="quantity" label="resources.orders.fields.quantity" step={1} defaultValue={1} validate={[required(), minValue(1)]} />
          </SimpleFormIterator>
        </ArrayInput>
      </SimpleForm>
    </BoCreate>
  );
}
