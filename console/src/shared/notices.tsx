import { Button } from '@mui/material';
import { useCloseNotification, useRefresh, useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';

/** 412: someone else changed the record; reloading shows their change before the person tries again. */
export function StaleNotice() {
  const translate = useTranslate();
  const refresh = useRefresh();
  const close = useCloseNotification();
  return (
    <span role="alert">
      {translate('bo.errors.stale')}{' '}
      <Button
        color="inherit"
        size="small"
        variant="outlined"
        onClick={() => {
          refresh();
          close();
        }}
      >
        {translate('bo.errors.reload')}
      </Button>
    </span>
  );
}

/** 202: the change waits for approval; the link opens it. */
export function ApprovalSentNotice({ approvalId }: { approvalId: string }) {
  const translate = useTranslate();
  const close = useCloseNotification();
  return (
    <span role="status">
      {translate('bo.approval.sent')}{' '}
      <Button color="inherit" size="small" variant="outlined" component={Link} to={`/approvals/${approvalId}/show`} onClick={close}>
        {translate('bo.approval.open')}
      </Button>
    </span>
  );
}
