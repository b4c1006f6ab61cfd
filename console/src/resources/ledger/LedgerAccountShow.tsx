import { Box, Card, CardContent, Typography } from '@mui/material';
import {
  DataTable,
  DateField,
  Labeled,
  Pagination,
  RecordContextProvider,
  ReferenceManyField,
  SelectField,
  SimpleShowLayout,
  TextField,
  Title,
  useGetList,
  useTranslate,
} from 'react-admin';
import { useParams } from 'react-router-dom';
import { MoneyField } from '../../shared/money';
import { ReferenceLink } from '../../shared/ReferenceLink';
import { Balances } from './Balances';
import { ACCOUNT_TYPES, SIDES } from './LedgerAccountList';

const ENTRY_SIDES = SIDES.map(({ id }) => ({ id, name: `resources.ledger-entries.sides.${id}` }));

function Entries() {
  return (
    <Box sx={{ overflowX: 'auto' }}>
      <ReferenceManyField reference="ledger-entries" target="account" perPage={25} pagination={<Pagination rowsPerPageOptions={[25]} />}>
        <DataTable bulkActionButtons={false} resource="ledger-entries" empty={<></>}>
          <DataTable.Col source="at" disableSort>
            <DateField source="at" showTime />
          </DataTable.Col>
          <DataTable.Col source="side" disableSort>
            <SelectField source="side" choices={ENTRY_SIDES} />
          </DataTable.Col>
          <DataTable.Col source="amount" disableSort>
            <MoneyField source="amount" />
          </DataTable.Col>
          <DataTable.Col source="orderId" disableSort>
            <ReferenceLink source="orderId" reference="orders" />
          </DataTable.Col>
          <DataTable.Col source="source" disableSort />
          <DataTable.Col source="createdBy" disableSort />
        </DataTable>
      </ReferenceManyField>
    </Box>
  );
}

/**
 * One account and its entries. The API has no single-account read: the account comes from the
 * accounts list (three accounts, already cached when coming from it).
 */
export default function LedgerAccountShow() {
  const { id } = useParams<{ id: string }>();
  const translate = useTranslate();
  const { data, isPending, error } = useGetList('ledger-accounts', { pagination: { page: 1, perPage: 100 }, sort: { field: 'id', order: 'ASC' } });
  const account = data?.find((candidate) => String(candidate.id) === id);
  if (isPending) return null;
  if (error || !account) return <Typography sx={{ p: 2 }}>{translate('ra.page.not_found')}</Typography>;
  return (
    <RecordContextProvider value={account}>
      <Title title={`${account.code} ${account.name}`} />
      <Card sx={{ mt: 2 }}>
        <CardContent>
          <SimpleShowLayout>
            <TextField source="code" />
            <TextField source="name" />
            <SelectField source="type" choices={ACCOUNT_TYPES} />
            <SelectField source="normalSide" choices={SIDES} />
            <Labeled source="balances">
              <Balances />
            </Labeled>
            <Labeled label="resources.ledger-accounts.entries" fullWidth>
              <Entries />
            </Labeled>
          </SimpleShowLayout>
        </CardContent>
      </Card>
    </RecordContextProvider>
  );
}
