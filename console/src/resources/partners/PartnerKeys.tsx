import Autorenew from '@mui/icons-material/Autorenew';
import Block from '@mui/icons-material/Block';
import VpnKey from '@mui/icons-material/VpnKey';
import { Box, Stack, Typography } from '@mui/material';
import { useState } from 'react';
import {
  CheckboxGroupInput,
  DataTable,
  DateField,
  DateTimeInput,
  FunctionField,
  NumberInput,
  ReferenceManyField,
  TextArrayField,
  maxValue,
  minValue,
  required,
  useRecordContext,
  useTranslate,
  type RaRecord,
} from 'react-admin';
import { unwrap } from '../../api/call';
import type { Schemas } from '../../api/client';
import { useApi } from '../../shared/api-context';
import { CommandDialog } from '../../shared/CommandDialog';
import { useCommand } from '../../shared/useCommand';
import { SecretKeyDialog } from './SecretKeyDialog';

type IssuedKey = Schemas['IssuedKey'];
type Scope = Schemas['IssuePartnerKeyRequest']['scopes'] extends (infer S)[] | undefined ? S : never;

/** A day of overlap by default (the API's default too): long enough to roll the new key out. */
const DEFAULT_OVERLAP_SECONDS = 86_400;

function IssueKey({ onIssued }: { onIssued: (key: IssuedKey) => void }) {
  const partner = useRecordContext();
  const api = useApi();
  const translate = useTranslate();
  const { execute } = useCommand(
    (values: Record<string, unknown>) =>
      unwrap(
        api.POST('/partners/{id}/keys', {
          params: { path: { id: String(partner!.id) } },
          body: {
            scopes: values.scopes as Scope[],
            ...(values.expiresAt ? { expiresAt: new Date(values.expiresAt as string).toISOString() } : {}),
          },
        }),
      ),
    { done: 'resources.partner-keys.issued', onDone: onIssued },
  );
  if (!partner) return null;
  const scopeChoices = (partner.scopes as string[]).map((id) => ({ id, name: id }));
  return (
    <CommandDialog
      label="resources.partner-keys.actions.issue"
      description={translate('resources.partner-keys.issue_hint')}
      access={{ resource: 'partner-keys', action: 'create' }}
      icon={<VpnKey />}
      disabled={partner.status !== 'active'}
      defaultValues={{ scopes: partner.scopes }}
      onSubmit={(values) => execute(values)}
    >
      <CheckboxGroupInput source="scopes" label="resources.partner-keys.fields.scopes" choices={scopeChoices} validate={required()} />
      <DateTimeInput source="expiresAt" label="resources.partner-keys.fields.expiresAt" helperText="resources.partner-keys.expires_hint" />
    </CommandDialog>
  );
}

function RotateKey({ onIssued }: { onIssued: (key: IssuedKey) => void }) {
  const key = useRecordContext();
  const api = useApi();
  const translate = useTranslate();
  const { execute } = useCommand(
    (values: Record<string, unknown>) =>
      unwrap(
        api.POST('/partners/{id}/keys/{keyId}/rotate', {
          params: { path: { id: String(key!.partnerId), keyId: String(key!.id) } },
          body: { overlapSeconds: Number(values.overlapSeconds) },
        }),
      ),
    { done: 'resources.partner-keys.rotated', onDone: onIssued },
  );
  if (key?.status !== 'active') return null;
  return (
    <CommandDialog
      label="resources.partner-keys.actions.rotate"
      description={translate('resources.partner-keys.rotate_hint', { prefix: key.prefix })}
      access={{ resource: 'partner-keys', action: 'create' }}
      icon={<Autorenew />}
      defaultValues={{ overlapSeconds: DEFAULT_OVERLAP_SECONDS }}
      onSubmit={(values) => execute(values)}
    >
      <NumberInput
        source="overlapSeconds"
        label="resources.partner-keys.fields.overlapSeconds"
        helperText="resources.partner-keys.overlap_hint"
        step={3600}
        validate={[required(), minValue(0), maxValue(604_800)]}
      />
    </CommandDialog>
  );
}

function RevokeKey() {
  const key = useRecordContext();
  const api = useApi();
  const translate = useTranslate();
  const { execute } = useCommand(
    () => unwrap(api.DELETE('/partners/{id}/keys/{keyId}', { params: { path: { id: String(key!.partnerId), keyId: String(key!.id) } } })),
    { done: 'resources.partner-keys.revoked' },
  );
  if (key?.status !== 'active' && key?.status !== 'rotating') return null;
  return (
    <CommandDialog
      label="resources.partner-keys.actions.revoke"
      description={translate('resources.partner-keys.revoke_hint', { prefix: key.prefix })}
      access={{ resource: 'partner-keys', action: 'delete' }}
      icon={<Block />}
      color="error"
      onSubmit={() => execute()}
    />
  );
}

/** The partner's API keys: issue one (its secret shown once), rotate with an overlap, revoke. */
export function PartnerKeys() {
  const translate = useTranslate();
  const [issued, setIssued] = useState<IssuedKey>();
  return (
    <Box sx={{ px: 2, pb: 2 }}>
      <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between' }}>
        <Typography component="h2" variant="h6">
          {translate('resources.partner-keys.name', { smart_count: 2 })}
        </Typography>
        <IssueKey onIssued={setIssued} />
      </Stack>
      <ReferenceManyField reference="partner-keys" target="partnerId" perPage={25}>
        <DataTable bulkActionButtons={false} empty={<Typography variant="body2">{translate('resources.partner-keys.empty')}</Typography>}>
          <DataTable.Col source="prefix" disableSort />
          <DataTable.Col source="scopes" disableSort>
            <TextArrayField source="scopes" />
          </DataTable.Col>
          <DataTable.Col source="status" disableSort>
            <FunctionField render={(key: RaRecord) => translate(`resources.partner-keys.status.${key.status}`)} />
          </DataTable.Col>
          <DataTable.Col source="createdAt" disableSort>
            <DateField source="createdAt" showTime />
          </DataTable.Col>
          <DataTable.Col source="expiresAt" disableSort>
            <DateField source="expiresAt" showTime emptyText="—" />
          </DataTable.Col>
          <DataTable.Col source="graceUntil" disableSort>
            <DateField source="graceUntil" showTime emptyText="—" />
          </DataTable.Col>
          <DataTable.Col source="revokedAt" disableSort>
            <DateField source="revokedAt" showTime emptyText="—" />
          </DataTable.Col>
          <DataTable.Col label="resources.partner-keys.fields.actions">
            <Stack direction="row">
              <RotateKey onIssued={setIssued} />
              <RevokeKey />
            </Stack>
          </DataTable.Col>
        </DataTable>
      </ReferenceManyField>
      <SecretKeyDialog issued={issued} onClose={() => setIssued(undefined)} />
    </Box>
  );
}
