import { BooleanInput, CreateButton, DataTable, DateField, List, NumberField, SelectInput, TopToolbar } from 'react-admin';
import { MoneyField } from '../../shared/money';

const STATUSES = ['draft', 'active', 'archived'].map((id) => ({ id, name: `resources.products.status.${id}` }));

/** Products by status (the API's status index), or every product including the trash. */
export default function ProductList() {
  return (
    <List
      filters={[<SelectInput key="status" source="status" choices={STATUSES} alwaysOn />, <BooleanInput key="trash" source="includeDeleted" alwaysOn />]}
      sort={{ field: 'id', order: 'ASC' }}
      actions={
        <TopToolbar>
          <CreateButton />
        </TopToolbar>
      }
      perPage={25}
    >
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="sku" disableSort />
        <DataTable.Col source="name" disableSort />
        <DataTable.Col source="price" disableSort>
          <MoneyField source="price" />
        </DataTable.Col>
        <DataTable.Col source="status" disableSort />
        <DataTable.Col source="stock.available" disableSort>
          <NumberField source="stock.available" />
        </DataTable.Col>
        <DataTable.Col source="updatedAt" disableSort>
          <DateField source="updatedAt" showTime />
        </DataTable.Col>
        <DataTable.Col source="deletedAt" disableSort>
          <DateField source="deletedAt" showTime emptyText="" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
