import { CreateButton, DataTable, DateField, List, SelectField, SelectInput, TopToolbar, useCanAccess, type RaRecord } from 'react-admin';
import type { ChangeEvent } from 'react';
import { useFormContext } from 'react-hook-form';
import { MoneyField } from '../../shared/money';
import { PickInput } from './PickInput';
import { ReferenceLink } from '../../shared/ReferenceLink';
import { STATUS_CHOICES } from './lifecycle';

const DEFAULT_STATUS = 'pending_payment';

/*
 * The API lists orders by exactly one index: a status or a customer. Choosing one filter clears
 * the other; clearing both falls back to the default status.
 */
function StatusFilter({ source }: { source: string; alwaysOn?: boolean }) {
  const { setValue, getValues } = useFormContext();
  return (
    <SelectInput
      source={source}
      choices={STATUS_CHOICES}
      onChange={(event: ChangeEvent<HTMLInputElement> | RaRecord) => {
        if ((event as ChangeEvent<HTMLInputElement>).target?.value) setValue('customerId', '');
        else if (!getValues('customerId')) setValue(source, DEFAULT_STATUS);
      }}
    />
  );
}

/** Only for those who may list customers (an auditor reads orders, not customers). */
function CustomerFilter({ source }: { source: string; alwaysOn?: boolean }) {
  const { setValue } = useFormContext();
  const { canAccess } = useCanAccess({ resource: 'customers', action: 'list' });
  if (!canAccess) return null;
  return <PickInput source={source} reference="customers" onChange={(value) => setValue('status', value ? '' : DEFAULT_STATUS)} />;
}

/** Orders of one status (the API's status index) or of one customer. */
export default function OrderList() {
  return (
    <List
      filters={[<StatusFilter key="status" source="status" alwaysOn />, <CustomerFilter key="customer" source="customerId" alwaysOn />]}
      filterDefaultValues={{ status: DEFAULT_STATUS }}
      sort={{ field: 'id', order: 'ASC' }}
      actions={
        <TopToolbar>
          <CreateButton />
        </TopToolbar>
      }
      perPage={25}
    >
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="id" disableSort />
        <DataTable.Col source="status" disableSort>
          <SelectField source="status" choices={STATUS_CHOICES} />
        </DataTable.Col>
        <DataTable.Col source="customerId" disableSort>
          <ReferenceLink source="customerId" reference="customers" />
        </DataTable.Col>
        <DataTable.Col source="total" disableSort>
          <MoneyField source="total" />
        </DataTable.Col>
        <DataTable.Col source="outstanding" disableSort>
          <MoneyField source="outstanding" />
        </DataTable.Col>
        <DataTable.Col source="createdAt" disableSort>
          <DateField source="createdAt" showTime />
        </DataTable.Col>
        <DataTable.Col source="updatedAt" disableSort>
          <DateField source="updatedAt" showTime />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
