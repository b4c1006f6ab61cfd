import { Typography } from '@mui/material';
import { useCanAccess, useTranslate } from 'react-admin';

/**
 * Says that e-mail addresses and phone numbers are shown masked: the API hides them from whoever
 * lacks customers:read_pii, and the masked value is all the console has.
 */
// `label={false}` keeps a show layout from giving the hint a label of its own.
export function MaskedHint(_: { label?: false }) {
  const translate = useTranslate();
  const { canAccess, isPending } = useCanAccess({ resource: 'customers', action: 'pii' });
  if (isPending || canAccess) return null;
  return (
    <Typography variant="caption" color="text.secondary" component="p" sx={{ py: 0.5 }}>
      {translate('resources.customers.masked_hint', { hint: translate('bo.common.masked') })}
    </Typography>
  );
}
