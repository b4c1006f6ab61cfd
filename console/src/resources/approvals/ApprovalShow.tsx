import Check from '@mui/icons-material/Check';
import Close from '@mui/icons-material/Close';
import { Alert, Box, Link as MuiLink, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from '@mui/material';
import {
  DateField,
  Labeled,
  Show,
  SimpleShowLayout,
  TextField,
  TextInput,
  TopToolbar,
  useCanAccess,
  useGetIdentity,
  useLocale,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { Link } from 'react-router-dom';
import { unwrap } from '../../api/call';
import { useApi } from '../../shared/api-context';
import { CommandDialog } from '../../shared/CommandDialog';
import { formatMoney, type Money } from '../../shared/money';
import { useCommand } from '../../shared/useCommand';
import { ActorText } from '../../shared/actor';
import { whyNotDecide, type Approval, type ApprovalStep } from './steps';

/** Subject fields that name another record of the console: shown as links to it. */
const LINKED: Record<string, string> = { contentId: 'content', productId: 'products', orderId: 'orders', customerId: 'customers', staffId: 'staff' };

const isMoney = (value: unknown): value is Money => typeof value === 'object' && value !== null && 'amount' in value && 'currency' in value;

function SubjectValue({ name, value }: { name: string; value: unknown }) {
  const locale = useLocale();
  if (LINKED[name] && typeof value === 'string') {
    return (
      <MuiLink component={Link} to={`/${LINKED[name]}/${value}/show`}>
        {value}
      </MuiLink>
    );
  }
  if (isMoney(value)) return <>{formatMoney(value, locale)}</>;
  if (Array.isArray(value)) return <>{value.join(', ')}</>;
  if (typeof value === 'object' && value !== null) return <code>{JSON.stringify(value)}</code>;
  return <>{String(value)}</>;
}

/** What the approval is about, as the kind describes it (ids of other records link to them). */
function Subject() {
  const record = useRecordContext<Approval>();
  if (!record) return null;
  return (
    <Box component="dl" sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 2, rowGap: 0.5, m: 0 }}>
      {Object.entries(record.subject).map(([name, value]) => (
        <Box key={name} sx={{ display: 'contents' }}>
          <Box component="dt" sx={{ fontWeight: 500 }}>
            {name}
          </Box>
          <Box component="dd" sx={{ m: 0 }}>
            <SubjectValue name={name} value={value} />
          </Box>
        </Box>
      ))}
    </Box>
  );
}

function When({ at }: { at: string | undefined }) {
  const locale = useLocale();
  return <>{at ? new Date(at).toLocaleString(locale) : '—'}</>;
}

function OnTimeout({ step }: { step: ApprovalStep }) {
  const translate = useTranslate();
  return (
    <>
      {typeof step.onTimeout === 'object'
        ? translate('resources.approvals.on_timeout.escalate', { role: step.onTimeout.escalateTo })
        : translate('resources.approvals.on_timeout.reject')}
      {step.escalatedFrom !== undefined && (
        <Typography variant="body2" color="text.secondary">
          {translate('resources.approvals.escalated_from', { step: step.escalatedFrom + 1 })}
        </Typography>
      )}
    </>
  );
}

/** The steps in order: which role decides each, where it stands, by when, who decided and why. */
function Steps() {
  const record = useRecordContext<Approval>();
  const translate = useTranslate();
  if (!record) return null;
  const column = (name: string) => translate(`resources.approvals.step.${name}`);
  return (
    <TableContainer>
      <Table size="small">
        <TableHead>
          <TableRow>
            {['number', 'role', 'status', 'dueAt', 'decidedBy', 'decidedAt', 'comment', 'onTimeout'].map((name) => (
              <TableCell key={name}>{column(name)}</TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {record.steps.map((step, index) => (
            <TableRow key={index} selected={step.status === 'open'}>
              <TableCell>{index + 1}</TableCell>
              <TableCell>{step.role}</TableCell>
              <TableCell>{translate(`resources.approvals.step_status.${step.status}`)}</TableCell>
              <TableCell>
                <When at={step.dueAt} />
              </TableCell>
              <TableCell>
                <ActorText actor={step.decidedBy} />
              </TableCell>
              <TableCell>
                <When at={step.decidedAt} />
              </TableCell>
              <TableCell>{step.comment ?? ''}</TableCell>
              <TableCell>
                <OnTimeout step={step} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

function Decide({ decision }: { decision: 'approve' | 'reject' }) {
  const record = useRecordContext<Approval>();
  const api = useApi();
  const translate = useTranslate();
  const path = decision === 'approve' ? '/approvals/{id}/approve' : '/approvals/{id}/reject';
  const { execute } = useCommand(
    (values: Record<string, unknown>) => {
      const comment = typeof values.comment === 'string' && values.comment.trim() !== '' ? values.comment.trim() : undefined;
      return unwrap(api.POST(path, { params: { path: { id: record!.id } }, body: comment === undefined ? {} : { comment } }));
    },
    { done: `resources.approvals.done.${decision}` },
  );
  return (
    <CommandDialog
      label={`resources.approvals.actions.${decision}`}
      description={translate(`resources.approvals.hints.${decision}`)}
      access={{ resource: 'approvals', action: 'decide' }}
      icon={decision === 'approve' ? <Check /> : <Close />}
      color={decision === 'approve' ? 'success' : 'error'}
      onSubmit={(values) => execute(values)}
    >
      <TextInput source="comment" label="bo.common.comment" multiline minRows={2} fullWidth />
    </CommandDialog>
  );
}

/**
 * Approve / Reject for whoever may decide the current step; anyone else reads why not (the same
 * rules the API applies, which still has the last word).
 */
function Decision() {
  const record = useRecordContext<Approval>();
  const translate = useTranslate();
  const { identity, isPending } = useGetIdentity();
  const { canAccess, isPending: accessPending } = useCanAccess({ resource: 'approvals', action: 'decide' });
  if (!record || isPending || accessPending || !identity) return null;
  const why = whyNotDecide(record, { actor: `staff:${identity.id}`, roles: (identity.roles as string[] | undefined) ?? [], mayDecide: canAccess === true });
  if (why) {
    const args = { ...why.args, ...(why.args?.status ? { status: translate(String(why.args.status)) } : {}) };
    return (
      <Alert severity="info" sx={{ flexGrow: 1 }}>
        {translate(why.key, args)}
      </Alert>
    );
  }
  return (
    <>
      <Decide decision="approve" />
      <Decide decision="reject" />
    </>
  );
}

function Outcome() {
  const record = useRecordContext<Approval>();
  const translate = useTranslate();
  if (!record?.failure) return null;
  return (
    <Alert severity="error">
      {translate('resources.approvals.failed_with', { error: record.failure.error })}
      {record.failure.cause ? ` — ${record.failure.cause}` : ''}
    </Alert>
  );
}

function KindField() {
  const record = useRecordContext<Approval>();
  const translate = useTranslate();
  return <span>{record ? translate(`resources.approvals.kinds.${record.kind}`) : ''}</span>;
}

function StatusField() {
  const record = useRecordContext<Approval>();
  const translate = useTranslate();
  return <span>{record ? translate(`resources.approvals.status.${record.status}`) : ''}</span>;
}

function RequestedBy() {
  const record = useRecordContext<Approval>();
  return <ActorText actor={record?.requestedBy} />;
}

/** One approval: what it is about, its steps, what came of it; approve or reject (or why not). */
export default function ApprovalShow() {
  return (
    <Show
      actions={
        <TopToolbar sx={{ alignItems: 'center' }}>
          <Decision />
        </TopToolbar>
      }
    >
      <SimpleShowLayout>
        <TextField source="summary" />
        <Labeled source="kind">
          <KindField />
        </Labeled>
        <Labeled source="status">
          <StatusField />
        </Labeled>
        <Labeled source="requestedBy">
          <RequestedBy />
        </Labeled>
        <DateField source="createdAt" showTime />
        <Labeled source="subject">
          <Subject />
        </Labeled>
        <Labeled source="steps">
          <Steps />
        </Labeled>
        <DateField source="appliedAt" showTime emptyText="—" />
        <DateField source="revertedAt" showTime emptyText="—" />
        <Outcome />
      </SimpleShowLayout>
    </Show>
  );
}
