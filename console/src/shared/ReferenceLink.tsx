import { ReferenceField, TextField, useCanAccess } from 'react-admin';

/**
 * A link to another record (an order's customer, a shipment's order…) for those who may read it;
 * the bare id for the others, instead of a fetch the API would refuse.
 */
export function ReferenceLink({ source, reference, label }: { source: string; reference: string; label?: string }) {
  const { canAccess, isPending } = useCanAccess({ resource: reference, action: 'show' });
  if (isPending) return null;
  if (!canAccess) return <TextField source={source} label={label} emptyText="—" />;
  return <ReferenceField source={source} reference={reference} label={label} link="show" emptyText="—" />;
}
