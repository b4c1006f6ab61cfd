import { Stack, Typography } from '@mui/material';
import { Title, useGetIdentity, usePermissions, useTranslate } from 'react-admin';
import { allows, type Grants } from '../providers/permissions';
import DailyCharts from './DailyCharts';
import { MyApprovals, OverdueTickets } from './WaitingLists';

/**
 * The home page: a welcome, then what the person may see — daily analytics, approvals waiting for
 * them, overdue tickets. recharts stays in this lazily loaded chunk.
 */
export default function Dashboard() {
  const translate = useTranslate();
  const { identity } = useGetIdentity();
  const { permissions } = usePermissions<Grants>();
  return (
    <Stack spacing={2} sx={{ mt: 2 }}>
      <Title title="bo.dashboard.title" />
      <Typography component="h1" variant="h5">
        {translate('bo.dashboard.welcome', { name: identity?.fullName ?? '' })}
      </Typography>
      {(allows(permissions, 'approvals:read') || allows(permissions, 'tickets:read')) && (
        <Stack direction={{ xs: 'column', md: 'row' }} spacing={2}>
          {allows(permissions, 'approvals:read') && <MyApprovals />}
          {allows(permissions, 'tickets:read') && <OverdueTickets />}
        </Stack>
      )}
      {allows(permissions, 'analytics:read') && <DailyCharts />}
    </Stack>
  );
}
