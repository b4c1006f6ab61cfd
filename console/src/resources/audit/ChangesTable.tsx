import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import type { Schemas } from '../../api/client';

const show = (value: unknown) => (value === null || value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

/** What one audit entry changed: each field before and after. */
export function ChangesTable({ changes }: { changes: Schemas['AuditFieldChange'][] }) {
  const translate = useTranslate();
  if (changes.length === 0) return <Typography variant="body2">{translate('resources.audit.no_changes')}</Typography>;
  return (
    <Table size="small" aria-label={translate('resources.audit.fields.changes')}>
      <TableHead>
        <TableRow>
          <TableCell component="th">{translate('resources.audit.change.field')}</TableCell>
          <TableCell component="th">{translate('resources.audit.change.before')}</TableCell>
          <TableCell component="th">{translate('resources.audit.change.after')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {changes.map(({ field, before, after }) => (
          <TableRow key={field}>
            <TableCell sx={{ fontFamily: 'monospace' }}>{field}</TableCell>
            <TableCell sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>{show(before)}</TableCell>
            <TableCell sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>{show(after)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
