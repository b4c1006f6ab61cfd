import { Box, Typography } from '@mui/material';
import { Menu as RaMenu, usePermissions, useSidebarState, useTranslate } from 'react-admin';
import { canAccess } from '../providers/permissions';

/** The menu in groups; an entry shows only when the signed-in person may open its list. */
const GROUPS: { label: string; resources: string[] }[] = [
  { label: 'bo.menu.catalog', resources: ['products'] },
  { label: 'bo.menu.sales', resources: ['orders', 'customers'] },
  { label: 'bo.menu.service', resources: ['tickets'] },
  { label: 'bo.menu.publishing', resources: ['content'] },
  { label: 'bo.menu.approvals', resources: ['approvals', 'approval-policies'] },
  { label: 'bo.menu.finance', resources: ['ledger-accounts'] },
  { label: 'bo.menu.access', resources: ['staff', 'roles', 'partners'] },
  { label: 'bo.menu.insight', resources: ['exports', 'audit'] },
];

export function Menu() {
  const { permissions } = usePermissions<string[]>();
  const [open] = useSidebarState();
  const translate = useTranslate();
  return (
    <RaMenu>
      <RaMenu.DashboardItem />
      {GROUPS.map(({ label, resources }) => {
        const visible = resources.filter((resource) => canAccess(permissions, resource, 'list'));
        if (visible.length === 0) return null;
        return (
          // A menu may hold groups of menu items; the group's name is its label, so the heading is visual only.
          <Box role="group" aria-label={translate(label)} key={label}>
            {open && (
              <Typography aria-hidden variant="overline" color="text.secondary" sx={{ px: 2, display: 'block', mt: 1 }}>
                {translate(label)}
              </Typography>
            )}
            {visible.map((resource) => (
              <RaMenu.ResourceItem key={resource} name={resource} />
            ))}
          </Box>
        );
      })}
    </RaMenu>
  );
}
