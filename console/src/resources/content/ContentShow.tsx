import Send from '@mui/icons-material/Send';
import Unpublished from '@mui/icons-material/Unpublished';
import { Link as MuiLink } from '@mui/material';
import {
  DateField,
  EditButton,
  Labeled,
  NumberField,
  ReferenceManyField,
  Show,
  SimpleShowLayout,
  TextField,
  TopToolbar,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { Link } from 'react-router-dom';
import { commandResult, unwrap } from '../../api/call';
import { ifMatch, type Schemas } from '../../api/client';
import { useApi } from '../../shared/api-context';
import { CommandDialog } from '../../shared/CommandDialog';
import { useCommand } from '../../shared/useCommand';
import { ActorText } from '../../shared/actor';
import { VersionDiff } from './VersionDiff';

type Content = Schemas['Content'];

/** Draft → in review: the publish approval decides (202 with a link to it); with no approval needed it publishes at once. */
function Submit() {
  const record = useRecordContext<Content>();
  const api = useApi();
  const translate = useTranslate();
  const { execute } = useCommand(() => commandResult(api.POST('/content/{id}/submit', { params: { path: { id: record!.id }, header: ifMatch(record!.version) } })), {
    done: 'resources.content.done.submitted',
  });
  if (record?.status !== 'draft') return null;
  return (
    <CommandDialog
      label="resources.content.actions.submit"
      description={translate('resources.content.hints.submit', { number: record.latestVersion })}
      access={{ resource: 'content', action: 'submit' }}
      icon={<Send />}
      onSubmit={() => execute()}
    />
  );
}

function Unpublish() {
  const record = useRecordContext<Content>();
  const api = useApi();
  const translate = useTranslate();
  const { execute } = useCommand(() => unwrap(api.POST('/content/{id}/unpublish', { params: { path: { id: record!.id }, header: ifMatch(record!.version) } })), {
    done: 'resources.content.done.unpublished',
  });
  if (record?.publishedVersion === undefined) return null;
  return (
    <CommandDialog
      label="resources.content.actions.unpublish"
      description={translate('resources.content.hints.unpublish', { number: record.publishedVersion })}
      access={{ resource: 'content', action: 'unpublish' }}
      icon={<Unpublished />}
      color="warning"
      onSubmit={() => execute()}
    />
  );
}

function Status() {
  const record = useRecordContext<Content>();
  const translate = useTranslate();
  return <span>{record ? translate(`resources.content.status.${record.status}`) : ''}</span>;
}

function PendingApproval() {
  const record = useRecordContext<Content>();
  const translate = useTranslate();
  if (!record?.pendingApprovalId) return <span>—</span>;
  return (
    <MuiLink component={Link} to={`/approvals/${record.pendingApprovalId}/show`}>
      {translate('bo.approval.open')}
    </MuiLink>
  );
}

function UpdatedBy() {
  const record = useRecordContext<Content>();
  return <ActorText actor={record?.updatedBy} />;
}

function Actions() {
  const record = useRecordContext<Content>();
  return (
    <TopToolbar>
      <Submit />
      <Unpublish />
      {/* The API takes no edit while a version is in review. */}
      {record?.status !== 'in_review' && <EditButton />}
    </TopToolbar>
  );
}

/** A piece of content: its latest version, where publishing stands, and every version compared with the one before. */
export default function ContentShow() {
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <TextField source="title" />
        <TextField source="slug" />
        <Labeled source="status">
          <Status />
        </Labeled>
        <NumberField source="latestVersion" />
        <NumberField source="publishedVersion" emptyText="—" />
        <DateField source="publishedAt" showTime emptyText="—" />
        <NumberField source="submittedVersion" emptyText="—" />
        <Labeled source="pendingApprovalId">
          <PendingApproval />
        </Labeled>
        <DateField source="updatedAt" showTime />
        <Labeled source="updatedBy">
          <UpdatedBy />
        </Labeled>
        <TextField source="body" sx={{ whiteSpace: 'pre-wrap' }} />
        <ReferenceManyField reference="content-versions" target="contentId" perPage={100} label={false}>
          <VersionDiff />
        </ReferenceManyField>
      </SimpleShowLayout>
    </Show>
  );
}
