import { useCallback } from 'react';
import { HttpError, useNotify, useRefresh, type RaRecord } from 'react-admin';
import { APPROVAL_SENT } from '../api/call';
import { ApprovalSentNotice, StaleNotice } from './notices';

/** The approval a save created instead of a change (202), if it did. */
export const approvalOf = (record: unknown): { id: string } | undefined => (record as Record<string, { id: string }> | undefined)?.[APPROVAL_SENT];

/**
 * What every save and command tells the person: done, sent for approval (with a link), changed
 * meanwhile (with a reload), refused with field errors (shown on the fields, not in a toast), or
 * refused for another reason (the API's own words).
 */
export function useOutcomeNotices() {
  const notify = useNotify();
  const refresh = useRefresh();

  const onError = useCallback(
    (error: unknown) => {
      if (error instanceof HttpError && error.status === 412) {
        notify(<StaleNotice />, { type: 'warning', autoHideDuration: null });
        return;
      }
      const body = error instanceof HttpError ? (error.body as { errors?: object }) : undefined;
      if (body?.errors) {
        notify('ra.message.invalid_form', { type: 'error' });
        return;
      }
      notify(error instanceof Error ? error.message : String(error), { type: 'error' });
    },
    [notify],
  );

  const onDone = useCallback(
    (result: RaRecord | unknown, doneMessage = 'ra.notification.updated') => {
      const approval = approvalOf(result);
      if (approval) notify(<ApprovalSentNotice approvalId={approval.id} />, { type: 'info', autoHideDuration: 10_000 });
      else notify(doneMessage, { type: 'info', messageArgs: { smart_count: 1 } });
      refresh();
    },
    [notify, refresh],
  );

  return { onError, onDone };
}
