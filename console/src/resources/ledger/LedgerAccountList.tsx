import { DataTable, List, SelectField } from 'react-admin';
import { Balances } from './Balances';
import { TrialBalance } from './TrialBalance';

export const ACCOUNT_TYPES = ['asset', 'revenue', 'contra_revenue'].map((id) => ({ id, name: `resources.ledger-accounts.types.${id}` }));
export const SIDES = ['debit', 'credit'].map((id) => ({ id, name: `resources.ledger-accounts.sides.${id}` }));

/** The chart of accounts with each account's balances, and the trial balance beneath. */
export default function LedgerAccountList() {
  return (
    <>
      <List pagination={false} exporter={false} actions={false} sort={{ field: 'id', order: 'ASC' }}>
        <DataTable rowClick="show" bulkActionButtons={false}>
          <DataTable.Col source="code" disableSort />
          <DataTable.Col source="name" disableSort />
          <DataTable.Col source="type" disableSort>
            <SelectField source="type" choices={ACCOUNT_TYPES} />
          </DataTable.Col>
          <DataTable.Col source="normalSide" disableSort>
            <SelectField source="normalSide" choices={SIDES} />
          </DataTable.Col>
          <DataTable.Col source="balances" disableSort>
            <Balances />
          </DataTable.Col>
        </DataTable>
      </List>
      <TrialBalance />
    </>
  );
}
