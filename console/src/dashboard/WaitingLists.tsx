import { Card, CardContent, List, ListItem, ListItemButton, ListItemText, Typography } from '@mui/material';
import { useId } from 'react';
import { useGetList, useLocale, useTranslate, type RaRecord } from 'react-admin';
import { Link } from 'react-router-dom';

const SHOWN = 10;

/** A short list of records linked to their pages, or "nothing here". */
function ShortList({ title, resource, filter, primary, secondary }: {
  title: string;
  resource: string;
  filter: Record<string, unknown>;
  primary: (record: RaRecord) => string;
  secondary: (record: RaRecord) => string;
}) {
  const translate = useTranslate();
  const headingId = useId();
  const { data, isPending, error } = useGetList(resource, { filter, pagination: { page: 1, perPage: SHOWN } });
  return (
    <Card component="section" aria-labelledby={headingId} sx={{ flex: 1, minWidth: 280 }}>
      <CardContent>
        <Typography id={headingId} component="h2" variant="h6">
          {title}
        </Typography>
        {isPending && <Typography variant="body2">{translate('bo.common.loading')}</Typography>}
        {error && <Typography color="error">{(error as Error).message}</Typography>}
        {data?.length === 0 && <Typography variant="body2">{translate('bo.dashboard.nothing')}</Typography>}
        {data && data.length > 0 && (
          <List dense>
            {data.map((record) => (
              <ListItem key={record.id} disablePadding>
                <ListItemButton component={Link} to={`/${resource}/${record.id}/show`}>
                  <ListItemText primary={primary(record)} secondary={secondary(record)} />
                </ListItemButton>
              </ListItem>
            ))}
          </List>
        )}
      </CardContent>
    </Card>
  );
}

/** My approval inbox: the pending steps I may decide, most urgent first. */
export function MyApprovals() {
  const translate = useTranslate();
  const locale = useLocale();
  return (
    <ShortList
      title={translate('bo.dashboard.pending_approvals')}
      resource="approvals"
      filter={{ mine: true }}
      primary={(approval) => String(approval.summary)}
      secondary={(approval) => `${approval.kind} · ${new Date(String(approval.createdAt)).toLocaleString(locale)}`}
    />
  );
}

/** Active tickets past their SLA due time. */
export function OverdueTickets() {
  const translate = useTranslate();
  const locale = useLocale();
  return (
    <ShortList
      title={translate('bo.dashboard.overdue_tickets')}
      resource="tickets"
      filter={{ list: 'overdue' }}
      primary={(ticket) => String(ticket.subject)}
      secondary={(ticket) => `${ticket.priority} · ${translate('bo.dashboard.due', { date: new Date(String(ticket.dueAt)).toLocaleString(locale) })}`}
    />
  );
}
