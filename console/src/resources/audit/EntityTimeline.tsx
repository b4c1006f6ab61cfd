import { Alert, Box, Chip, CircularProgress, Paper, Stack, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useLocale, useTranslate } from 'react-admin';
import { unwrap } from '../../api/call';
import type { AdminClient, Schemas } from '../../api/client';
import { useApi } from '../../shared/api-context';
import { ChangesTable } from './ChangesTable';
import { VerifyChain } from './VerifyChain';

/** Enough for any record's history; beyond it the timeline says it is cut. */
const MAX_ENTRIES = 1000;

export interface AuditFilter {
  entityType: string;
  entityId: string;
  actor?: string;
  from?: string;
  to?: string;
}

/** The API lists an entity's entries in chain order (oldest first): read them all, then turn them round. */
async function wholeHistory(api: AdminClient, filter: AuditFilter) {
  const entries: Schemas['AuditEntry'][] = [];
  let cursor: string | undefined;
  do {
    const page = await unwrap(api.GET('/audit', { params: { query: { ...filter, limit: 100, ...(cursor ? { cursor } : {}) } } }));
    entries.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && entries.length < MAX_ENTRIES);
  return { entries: entries.reverse(), cut: Boolean(cursor) };
}

/** One entity's history, newest first: who did what, when, in which request, and each field before and after. */
export function EntityTimeline({ filter }: { filter: AuditFilter }) {
  const api = useApi();
  const translate = useTranslate();
  const locale = useLocale();
  const { data, isPending, error } = useQuery({ queryKey: ['audit-timeline', filter], queryFn: () => wholeHistory(api, filter) });
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });

  return (
    <Box sx={{ p: 2 }}>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ justifyContent: 'space-between', alignItems: { sm: 'flex-start' }, mb: 2 }}>
        <Typography component="h2" variant="h6">
          {translate('resources.audit.timeline', { entity: `${filter.entityType} ${filter.entityId}` })}
        </Typography>
        <VerifyChain entityType={filter.entityType} entityId={filter.entityId} />
      </Stack>
      {isPending && <CircularProgress aria-label={translate('bo.common.loading')} />}
      {error && <Alert severity="error">{(error as Error).message}</Alert>}
      {data?.entries.length === 0 && <Typography>{translate('resources.audit.no_entries')}</Typography>}
      {data?.cut && <Alert severity="info">{translate('resources.audit.cut', { smart_count: MAX_ENTRIES })}</Alert>}
      <Stack component="ol" spacing={2} sx={{ listStyle: 'none', p: 0, m: 0 }}>
        {data?.entries.map((entry) => (
          <Paper component="li" variant="outlined" key={entry.seq} sx={{ p: 2 }}>
            <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'center', mb: 1 }}>
              <Chip size="small" label={`#${entry.seq}`} />
              <Chip size="small" color="primary" variant="outlined" label={translate(`resources.audit.action.${entry.action}`)} />
              <Typography component="h3" variant="subtitle2">
                {when.format(new Date(entry.at))}
              </Typography>
              <Typography variant="body2">{translate('resources.audit.by', { actor: entry.actor })}</Typography>
              {entry.requestId && (
                <Typography variant="body2" color="text.secondary">
                  {translate('resources.audit.request', { id: entry.requestId })}
                </Typography>
              )}
              {entry.legalHold && <Chip size="small" color="warning" label={translate('resources.audit.fields.legalHold')} />}
            </Stack>
            <ChangesTable changes={entry.changes} />
          </Paper>
        ))}
      </Stack>
    </Box>
  );
}
