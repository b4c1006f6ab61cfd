import { List, ListItem, ListItemText, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useLocale, useRecordContext, useTranslate } from 'react-admin';
import { unwrap } from '../../api/call';
import { useApi } from '../../shared/api-context';
import type { Order } from './lifecycle';

/** The order's moves from state to state, oldest first: who, when and why. */
export function OrderHistory() {
  const order = useRecordContext<Order & { id: string }>();
  const api = useApi();
  const translate = useTranslate();
  const locale = useLocale();
  const { data, isPending, error } = useQuery({
    // The order's version in the key: a command that moved it shows its entry at once.
    queryKey: ['orders', 'history', order?.id, order?.version],
    queryFn: () => unwrap(api.GET('/orders/{id}/history', { params: { path: { id: String(order!.id) } } })),
    enabled: Boolean(order),
    // Keep the entries shown while the moved order's history loads.
    placeholderData: (previous) => previous,
  });
  if (isPending) return <Typography variant="body2">{translate('bo.common.loading')}</Typography>;
  if (error) return <Typography variant="body2" color="error">{error.message}</Typography>;
  const status = (value: string | null) => (value ? translate(`resources.orders.status.${value}`) : '');
  return (
    <List component="ol" dense disablePadding sx={{ borderLeft: 2, borderColor: 'divider', pl: 2 }}>
      {data.items.map((entry) => (
        <ListItem key={`${entry.at} ${entry.to}`} disableGutters component="li">
          <ListItemText
            primary={entry.from ? `${status(entry.from)} → ${status(entry.to)}` : translate('resources.orders.history.created', { status: status(entry.to) })}
            secondary={[new Date(entry.at).toLocaleString(locale), entry.actor, entry.reason].filter(Boolean).join(' · ')}
          />
        </ListItem>
      ))}
    </List>
  );
}
