import VerifiedUser from '@mui/icons-material/VerifiedUser';
import { Alert, Button, Stack } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { useCanAccess, useTranslate } from 'react-admin';
import { unwrap } from '../../api/call';
import { useApi } from '../../shared/api-context';

/**
 * Recomputes the hash chain of one entity's entries (GET /audit/verify): intact (how many entries,
 * how many already expired by retention) or where it breaks and why.
 */
export function VerifyChain({ entityType, entityId }: { entityType: string; entityId: string }) {
  const api = useApi();
  const translate = useTranslate();
  const { canAccess } = useCanAccess({ resource: 'audit', action: 'verify' });
  const verify = useMutation({ mutationFn: () => unwrap(api.GET('/audit/verify', { params: { query: { entityType, entityId } } })) });
  if (!canAccess) return null;
  const result = verify.data;
  return (
    <Stack spacing={1} sx={{ alignItems: 'flex-start' }}>
      <Button variant="outlined" startIcon={<VerifiedUser />} onClick={() => verify.mutate()} loading={verify.isPending}>
        {translate('resources.audit.verify.button')}
      </Button>
      <div role="status" aria-live="polite">
        {verify.isError && <Alert severity="error">{(verify.error as Error).message}</Alert>}
        {result?.ok === true && (
          <Alert severity="success">
            {translate('resources.audit.verify.ok', { smart_count: result.entries })}
            {result.expired ? ` ${translate('resources.audit.verify.expired', { smart_count: result.expired })}` : ''}
          </Alert>
        )}
        {result?.ok === false && (
          <Alert severity="error">
            {translate('resources.audit.verify.broken', { seq: result.brokenAt, reason: translate(`resources.audit.verify.reason.${result.reason}`) })}
          </Alert>
        )}
      </div>
    </Stack>
  );
}
