import RestoreFromTrash from '@mui/icons-material/RestoreFromTrash';
import Tune from '@mui/icons-material/Tune';
import {
  DataTable,
  DateField,
  DeleteButton,
  EditButton,
  NumberField,
  NumberInput,
  ReferenceManyField,
  Show,
  SimpleShowLayout,
  TextField,
  TextInput,
  TopToolbar,
  required,
  useCanAccess,
  useDataProvider,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { commandResult } from '../../api/call';
import { ifMatch } from '../../api/client';
import { useApi } from '../../shared/api-context';
import { CommandDialog } from '../../shared/CommandDialog';
import { MoneyField } from '../../shared/money';
import { useCommand } from '../../shared/useCommand';

function AdjustStock() {
  const record = useRecordContext();
  const dataProvider = useDataProvider();
  const translate = useTranslate();
  const { execute } = useCommand((values: Record<string, unknown>) =>
    dataProvider.create('stock-adjustments', { data: { productId: record?.id, delta: values.delta, reason: values.reason } }).then(({ data }) => data),
  );
  if (!record || record.deletedAt) return null;
  return (
    <CommandDialog
      label="resources.products.actions.adjust"
      description={translate('resources.stock-adjustments.write_off_hint')}
      access={{ resource: 'products', action: 'adjust' }}
      icon={<Tune />}
      onSubmit={(values) => execute(values)}
    >
      <NumberInput source="delta" label="resources.stock-adjustments.fields.delta" validate={required()} step={1} />
      <TextInput source="reason" label="resources.stock-adjustments.fields.reason" validate={required()} fullWidth />
    </CommandDialog>
  );
}

function Restore() {
  const record = useRecordContext();
  const api = useApi();
  const { execute } = useCommand(() =>
    commandResult(api.POST('/products/{id}/restore', { params: { path: { id: String(record!.id) }, header: ifMatch(record!.version) } })),
  );
  if (!record?.deletedAt) return null;
  return (
    <CommandDialog label="resources.products.actions.restore" access={{ resource: 'products', action: 'restore' }} icon={<RestoreFromTrash />} onSubmit={() => execute()} />
  );
}

function Actions() {
  const record = useRecordContext();
  return (
    <TopToolbar>
      <AdjustStock />
      <Restore />
      {!record?.deletedAt && <EditButton />}
      {!record?.deletedAt && <DeleteButton mutationMode="pessimistic" />}
    </TopToolbar>
  );
}

function StockHistory() {
  const { canAccess } = useCanAccess({ resource: 'products', action: 'stock' });
  if (!canAccess) return null;
  return (
    <ReferenceManyField reference="stock-adjustments" target="productId" label="resources.stock-adjustments.name" perPage={10}>
      <DataTable bulkActionButtons={false} empty={<></>}>
        <DataTable.Col source="createdAt" disableSort>
          <DateField source="createdAt" showTime />
        </DataTable.Col>
        <DataTable.Col source="delta" disableSort>
          <NumberField source="delta" />
        </DataTable.Col>
        <DataTable.Col source="reason" disableSort />
        <DataTable.Col source="stock.onHand" label="resources.stock-adjustments.fields.stock" disableSort>
          <NumberField source="stock.onHand" />
        </DataTable.Col>
        <DataTable.Col source="createdBy" disableSort />
      </DataTable>
    </ReferenceManyField>
  );
}

/** A product: its data, stock and stock history; adjust stock, edit, move to the trash, restore. */
export default function ProductShow() {
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <TextField source="sku" />
        <TextField source="name" />
        <TextField source="description" emptyText="—" />
        <MoneyField source="price" />
        <TextField source="status" />
        <NumberField source="stock.onHand" />
        <NumberField source="stock.reserved" />
        <NumberField source="stock.available" />
        <DateField source="updatedAt" showTime />
        <TextField source="updatedBy" />
        <DateField source="deletedAt" showTime emptyText="—" />
        <StockHistory />
      </SimpleShowLayout>
    </Show>
  );
}
