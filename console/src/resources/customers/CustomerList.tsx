import { BooleanInput, CreateButton, DataTable, DateField, List, TopToolbar, useListContext, type RaRecord } from 'react-admin';
import { MaskedHint } from './MaskedHint';
import { RestoreCustomer } from './RestoreCustomer';

/** A customer in the trash cannot be opened (the API answers 404): it is restored from the list. */
const openUnlessDeleted = (_id: unknown, _resource: string, record: RaRecord) => (record.deletedAt ? false : 'show');

function CustomerTable() {
  const { filterValues } = useListContext();
  const trash = Boolean(filterValues.includeDeleted);
  return (
    <DataTable rowClick={openUnlessDeleted} bulkActionButtons={false}>
      <DataTable.Col source="name" disableSort />
      <DataTable.Col source="email" disableSort />
      <DataTable.Col source="phone" disableSort />
      <DataTable.Col source="createdAt" disableSort>
        <DateField source="createdAt" showTime />
      </DataTable.Col>
      {trash && (
        <DataTable.Col source="deletedAt" disableSort>
          <DateField source="deletedAt" showTime emptyText="" />
        </DataTable.Col>
      )}
      {trash && (
        <DataTable.Col label="resources.customers.actions.restore" disableSort>
          <RestoreCustomer />
        </DataTable.Col>
      )}
    </DataTable>
  );
}

/** Customers, or every customer including the trash (where they are restored). */
export default function CustomerList() {
  return (
    <List
      filters={[<BooleanInput key="trash" source="includeDeleted" alwaysOn />]}
      sort={{ field: 'id', order: 'ASC' }}
      actions={
        <TopToolbar>
          <CreateButton />
        </TopToolbar>
      }
      perPage={25}
    >
      <MaskedHint />
      <CustomerTable />
    </List>
  );
}
