import RestoreFromTrash from '@mui/icons-material/RestoreFromTrash';
import { useRecordContext } from 'react-admin';
import { commandResult } from '../../api/call';
import { ifMatch } from '../../api/client';
import { useApi } from '../../shared/api-context';
import { CommandDialog } from '../../shared/CommandDialog';
import { useCommand } from '../../shared/useCommand';

/** Takes a customer out of the trash (the API does not show a deleted customer on its own, only in the list). */
export function RestoreCustomer() {
  const record = useRecordContext();
  const api = useApi();
  const { execute } = useCommand(
    () => commandResult(api.POST('/customers/{id}/restore', { params: { path: { id: String(record!.id) }, header: ifMatch(record!.version) } })),
    { done: 'resources.customers.notifications.restored' },
  );
  if (!record?.deletedAt) return null;
  return (
    <CommandDialog
      label="resources.customers.actions.restore"
      description={record.name as string}
      access={{ resource: 'customers', action: 'restore' }}
      icon={<RestoreFromTrash />}
      onSubmit={() => execute()}
    />
  );
}
