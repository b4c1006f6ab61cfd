import FileDownload from '@mui/icons-material/FileDownload';
import { Alert, Button, LinearProgress } from '@mui/material';
import {
  DateField,
  FunctionField,
  NumberField,
  Show,
  SimpleShowLayout,
  TextArrayField,
  TextField,
  useRecordContext,
  useTranslate,
  type RaRecord,
} from 'react-admin';

const POLL_MS = 2000;
const inProgress = (status: unknown) => status === 'queued' || status === 'running';

function Progress() {
  const record = useRecordContext();
  const translate = useTranslate();
  if (!inProgress(record?.status)) return null;
  return <LinearProgress aria-label={translate(`resources.exports.status.${record!.status}`)} sx={{ my: 1 }} />;
}

/** The presigned link of a finished file (it expires: a reload of the page signs a new one). */
function DownloadLink() {
  const record = useRecordContext();
  const translate = useTranslate();
  if (record?.status !== 'succeeded' || !record.downloadUrl) return null;
  return (
    <Button variant="contained" startIcon={<FileDownload />} href={String(record.downloadUrl)} download>
      {translate('resources.exports.download', { format: record.format })}
    </Button>
  );
}

function Failure() {
  const record = useRecordContext();
  if (record?.status !== 'failed') return null;
  return <Alert severity="error">{String(record.error ?? '')}</Alert>;
}

/** One export job: followed every 2 s while queued or running, then its numbers and its download. */
export default function ExportShow() {
  const translate = useTranslate();
  return (
    <Show queryOptions={{ refetchInterval: (query) => (inProgress(query.state.data?.status) ? POLL_MS : false) }}>
      <SimpleShowLayout>
        <FunctionField source="status" render={(record: RaRecord) => translate(`resources.exports.status.${record.status}`)} />
        <Progress />
        <Failure />
        <DownloadLink />
        <FunctionField source="entity" render={(record: RaRecord) => translate(`resources.exports.entity.${record.entity}`)} />
        <TextField source="format" />
        <NumberField source="rowCount" emptyText="—" />
        <NumberField source="bytes" emptyText="—" />
        <TextArrayField source="fields" />
        <TextArrayField source="maskedFields" emptyText="—" />
        <FunctionField source="filter" render={(record: RaRecord) => (record.filter ? JSON.stringify(record.filter) : '—')} />
        <TextField source="requestedBy" />
        <DateField source="createdAt" showTime />
        <DateField source="startedAt" showTime emptyText="—" />
        <DateField source="finishedAt" showTime emptyText="—" />
        <TextField source="checksum" emptyText="—" sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }} />
      </SimpleShowLayout>
    </Show>
  );
}
