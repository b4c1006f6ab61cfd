import {
  DataTable,
  DateField,
  DeleteButton,
  EditButton,
  Labeled,
  Pagination,
  ReferenceManyField,
  Show,
  SimpleShowLayout,
  TextField,
  TopToolbar,
  useCanAccess,
} from 'react-admin';
import { MoneyField } from '../../shared/money';
import { TranslatedField } from '../../shared/TranslatedField';
import { MaskedHint } from './MaskedHint';

function Actions() {
  return (
    <TopToolbar>
      <EditButton />
      <DeleteButton mutationMode="pessimistic" />
    </TopToolbar>
  );
}

/** The customer's orders, newest index first, for those who may read orders. */
function CustomerOrders() {
  const { canAccess } = useCanAccess({ resource: 'orders', action: 'list' });
  if (!canAccess) return null;
  return (
    <Labeled label="resources.customers.orders" fullWidth>
      <ReferenceManyField reference="orders" target="customerId" perPage={10} pagination={<Pagination rowsPerPageOptions={[10]} />}>
        <DataTable bulkActionButtons={false} rowClick="show" resource="orders" empty={<></>}>
          <DataTable.Col source="id" disableSort />
          <DataTable.Col source="status" disableSort>
            <TranslatedField source="status" prefix="resources.orders.status" />
          </DataTable.Col>
          <DataTable.Col source="total" disableSort>
            <MoneyField source="total" />
          </DataTable.Col>
          <DataTable.Col source="createdAt" disableSort>
            <DateField source="createdAt" showTime />
          </DataTable.Col>
        </DataTable>
      </ReferenceManyField>
    </Labeled>
  );
}

/** A customer (personal data masked for those without customers:read_pii) and their orders. */
export default function CustomerShow() {
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <TextField source="name" />
        <TextField source="email" />
        <TextField source="phone" emptyText="—" />
        <MaskedHint label={false} />
        <DateField source="createdAt" showTime />
        <DateField source="updatedAt" showTime />
        <TextField source="updatedBy" />
        <CustomerOrders />
      </SimpleShowLayout>
    </Show>
  );
}
