import { Alert, Button } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';

/** A role change waiting for its approval: no other role change is accepted until it is decided. */
export function PendingRoleChange() {
  const record = useRecordContext();
  const translate = useTranslate();
  const pending = record?.pendingRoleChange as { approvalId: string; roles: string[] } | undefined;
  if (!pending) return null;
  return (
    <Alert
      severity="info"
      sx={{ mb: 2, width: '100%' }}
      action={
        <Button color="inherit" size="small" component={Link} to={`/approvals/${pending.approvalId}/show`}>
          {translate('bo.approval.open')}
        </Button>
      }
    >
      {translate('resources.staff.pending', { roles: pending.roles.join(', ') })}
    </Alert>
  );
}
