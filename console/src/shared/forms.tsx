import { Create, Edit, useRedirect, useResourceContext, type CreateProps, type EditProps, type RaRecord } from 'react-admin';
import { useOutcomeNotices } from './outcomes';

/**
 * Edit as every resource of the console saves: pessimistic (the API's answer decides what the
 * form shows: field errors on their fields, 412 with a reload, 202 with a link to the approval).
 */
export function BoEdit(props: EditProps) {
  const { onDone, onError } = useOutcomeNotices();
  const redirect = useRedirect();
  const resource = useResourceContext(props);
  return (
    <Edit
      mutationMode="pessimistic"
      redirect={false}
      {...props}
      mutationOptions={{
        onSuccess: (data: RaRecord) => {
          onDone(data);
          redirect('show', resource, data.id);
        },
        onError,
      }}
    />
  );
}

export function BoCreate(props: CreateProps) {
  const { onDone, onError } = useOutcomeNotices();
  const redirect = useRedirect();
  const resource = useResourceContext(props);
  return (
    <Create
      redirect={false}
      {...props}
      mutationOptions={{
        onSuccess: (data: RaRecord) => {
          onDone(data, 'ra.notification.created');
          redirect('show', resource, data.id);
        },
        onError,
      }}
    />
  );
}
