import { Chip } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';

/** A "built-in" mark: those roles come with the product and are read-only. */
export function BuiltInField(_props: { source?: string; label?: string }) {
  const record = useRecordContext();
  const translate = useTranslate();
  return record?.builtIn ? <Chip size="small" label={translate('resources.roles.built_in')} /> : null;
}
