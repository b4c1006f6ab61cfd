import { Alert, Box, Button, Card, CardContent, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Stack, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import {
  ArrayInput,
  Form,
  FormDataConsumer,
  HttpError,
  Loading,
  NumberInput,
  SaveButton,
  SelectInput,
  SimpleFormIterator,
  TextInput,
  Title,
  required,
  useCanAccess,
  useGetList,
  useLocale,
  useNotify,
  useTranslate,
} from 'react-admin';
import { unwrap } from '../../api/call';
import { ifMatch, type Schemas } from '../../api/client';
import { useApi } from '../../shared/api-context';
import { useCommand } from '../../shared/useCommand';
import { ActorText } from '../../shared/actor';
import { KIND_NAMES, changesBetween, fromForm, toForm, type FormKinds, type KindName, type PolicyChange } from './policy-form';

type Policy = Schemas['ApprovalPolicy'];

/** A role for a step: chosen from the roles when the person may read them, typed otherwise (the API checks it exists). */
function RoleInput({ source, label, readOnly }: { source: string; label: string; readOnly: boolean }) {
  const { canAccess } = useCanAccess({ resource: 'roles', action: 'list' });
  const { data: roles } = useGetList('roles', { pagination: { page: 1, perPage: 100 } }, { enabled: canAccess === true });
  if (!roles) return <TextInput source={source} label={label} validate={required()} readOnly={readOnly} />;
  return <SelectInput source={source} label={label} choices={roles.map((role) => ({ id: role.name, name: role.name }))} validate={required()} readOnly={readOnly} />;
}

/** Timeouts are seconds in the API; people think in hours. */
const toHours = (seconds?: number) => (seconds === undefined || seconds === null ? '' : Math.round((seconds / 3600) * 100) / 100) as number;
const toSeconds = (value: string) => (value === '' || value === null ? (null as unknown as number) : Math.round(Number(value) * 3600));

function StepInputs({ readOnly }: { readOnly: boolean }) {
  const translate = useTranslate();
  return (
    <Stack direction={{ xs: 'column', md: 'row' }} spacing={2}>
      <RoleInput source="role" label="resources.approval-policies.fields.role" readOnly={readOnly} />
      <NumberInput source="timeoutSeconds" label="resources.approval-policies.fields.timeoutHours" format={toHours} parse={toSeconds} step={1} min={0} validate={required()} readOnly={readOnly} />
      <SelectInput
        source="onTimeout.action"
        label="resources.approval-policies.fields.onTimeout"
        choices={['reject', 'escalate'].map((id) => ({ id, name: translate(`resources.approval-policies.on_timeout.${id}`) }))}
        validate={required()}
        readOnly={readOnly}
      />
      <FormDataConsumer<{ onTimeout?: { action?: string } }>>
        {({ scopedFormData }) =>
          scopedFormData?.onTimeout?.action === 'escalate' && <RoleInput source="onTimeout.escalateTo" label="resources.approval-policies.fields.escalateTo" readOnly={readOnly} />
        }
      </FormDataConsumer>
    </Stack>
  );
}

/** A kind's rules: each a threshold (kinds with a measure only) and the steps that decide, in order. */
function KindRules({ kind, measure, readOnly }: { kind: KindName; measure: string | undefined; readOnly: boolean }) {
  const translate = useTranslate();
  // The API describes a kind without a measure as "none: …": its rules take no threshold.
  const measured = measure !== undefined && !measure.startsWith('none');
  const locked = { disableAdd: readOnly, disableRemove: readOnly, disableReordering: true, disableClear: true };
  return (
    <Card variant="outlined" sx={{ mb: 2 }}>
      <CardContent>
        <Typography component="h2" variant="h6">
          {translate(`resources.approvals.kinds.${kind}`)}
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          {measured ? translate('resources.approval-policies.measure', { measure }) : translate('resources.approval-policies.no_measure')}
        </Typography>
        <ArrayInput source={`kinds.${kind}.rules`} label="resources.approval-policies.fields.rules" helperText={translate('resources.approval-policies.hints.rules')}>
          <SimpleFormIterator {...locked} inline={false}>
            {measured && (
              <Stack direction={{ xs: 'column', md: 'row' }} spacing={2}>
                <SelectInput
                  source="threshold"
                  label="resources.approval-policies.fields.threshold"
                  choices={['none', 'above', 'atLeast'].map((id) => ({ id, name: translate(`resources.approval-policies.threshold.${id}`) }))}
                  defaultValue="none"
                  validate={required()}
                  readOnly={readOnly}
                />
                <FormDataConsumer<{ threshold?: string }>>
                  {({ scopedFormData }) =>
                    scopedFormData?.threshold && scopedFormData.threshold !== 'none' && (
                      <NumberInput source="value" label="resources.approval-policies.fields.value" min={0} validate={required()} readOnly={readOnly} />
                    )
                  }
                </FormDataConsumer>
              </Stack>
            )}
            <ArrayInput source="steps" label="resources.approval-policies.fields.steps">
              <SimpleFormIterator {...locked} inline={false}>
                <StepInputs readOnly={readOnly} />
              </SimpleFormIterator>
            </ArrayInput>
          </SimpleFormIterator>
        </ArrayInput>
      </CardContent>
    </Card>
  );
}

function ChangeValue({ value }: { value: PolicyChange['before'] }) {
  const translate = useTranslate();
  if (!value) return <em>{translate('resources.approval-policies.absent')}</em>;
  return <>{translate(value.key, { _: value.key, ...value.args })}</>;
}

/** What the save alters, field by field, before it is sent. */
function ConfirmChanges({ changes, onAnswer }: { changes: PolicyChange[]; onAnswer: (confirmed: boolean) => void }) {
  const translate = useTranslate();
  const titleId = useId();
  const where = (c: PolicyChange) =>
    [
      translate(`resources.approvals.kinds.${c.at.kind}`),
      translate('resources.approval-policies.rule_n', { n: c.at.rule + 1 }),
      ...(c.at.step === undefined ? [] : [translate('resources.approval-policies.step_n', { n: c.at.step + 1 })]),
      translate(`resources.approval-policies.change_field.${c.at.field}`),
    ].join(' › ');
  return (
    <Dialog open onClose={() => onAnswer(false)} aria-labelledby={titleId} fullWidth maxWidth="md">
      <DialogTitle id={titleId}>{translate('resources.approval-policies.confirm.title')}</DialogTitle>
      <DialogContent>
        <DialogContentText>{translate('resources.approval-policies.confirm.intro', { smart_count: changes.length })}</DialogContentText>
        <Box component="ul" sx={{ pl: 3 }}>
          {changes.map((change, index) => (
            <li key={index}>
              <strong>{where(change)}</strong>: <ChangeValue value={change.before} /> → <ChangeValue value={change.after} />
            </li>
          ))}
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={() => onAnswer(false)}>{translate('ra.action.cancel')}</Button>
        <Button variant="contained" onClick={() => onAnswer(true)}>
          {translate('resources.approval-policies.confirm.save')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function Editor({ policy, canEdit }: { policy: Policy; canEdit: boolean }) {
  const api = useApi();
  const notify = useNotify();
  const translate = useTranslate();
  const locale = useLocale();
  const [confirming, setConfirming] = useState<{ changes: PolicyChange[]; answer: (confirmed: boolean) => void }>();
  const { execute } = useCommand(
    (kinds: Policy['kinds']) => unwrap(api.PUT('/approval-policies', { params: { header: ifMatch(policy.version) }, body: { kinds } })),
    { done: 'resources.approval-policies.saved' },
  );

  const submit = async (values: Record<string, unknown>) => {
    const kinds = fromForm((values as { kinds: FormKinds }).kinds);
    const changes = changesBetween(policy.kinds, kinds);
    if (changes.length === 0) {
      notify('resources.approval-policies.no_change', { type: 'info' });
      return undefined;
    }
    const confirmed = await new Promise<boolean>((answer) => setConfirming({ changes, answer }));
    setConfirming(undefined);
    if (!confirmed) return undefined;
    try {
      await execute(kinds);
      return undefined;
    } catch (error) {
      // Unknown roles and misplaced thresholds come back on the fields they name.
      if (error instanceof HttpError) return (error.body as { errors?: Record<string, unknown> })?.errors;
      return undefined;
    }
  };

  return (
    <Form record={{ id: 'policy', kinds: toForm(policy.kinds) }} onSubmit={submit}>
      <Typography variant="body2" sx={{ mb: 2 }}>
        {policy.version === 0 ? (
          translate('resources.approval-policies.defaults')
        ) : (
          <>
            {translate('resources.approval-policies.stored', { version: policy.version, at: policy.updatedAt ? new Date(policy.updatedAt).toLocaleString(locale) : '' })}{' '}
            <ActorText actor={policy.updatedBy} />
          </>
        )}
      </Typography>
      {!canEdit && (
        <Alert severity="info" sx={{ mb: 2 }}>
          {translate('resources.approval-policies.read_only')}
        </Alert>
      )}
      {KIND_NAMES.map((kind) => (
        <KindRules key={kind} kind={kind} measure={policy.measures[kind]} readOnly={!canEdit} />
      ))}
      {canEdit && <SaveButton label="resources.approval-policies.review" />}
      {confirming && <ConfirmChanges changes={confirming.changes} onAnswer={confirming.answer} />}
    </Form>
  );
}

/**
 * The workflow design: per kind of change, which rules need approval and who decides each step, how
 * long they have and what happens then. Saving shows the change field by field first; another
 * person's save meanwhile answers 412 (reload and redo).
 */
export default function PolicyEditor() {
  const api = useApi();
  const translate = useTranslate();
  const { canAccess: canEdit, isPending: accessPending } = useCanAccess({ resource: 'approval-policies', action: 'edit' });
  const { data: policy, error } = useQuery({ queryKey: ['approval-policies'], queryFn: () => unwrap(api.GET('/approval-policies')) });
  return (
    <Box sx={{ mt: 2 }}>
      <Title title={translate('resources.approval-policies.title')} />
      {error && <Alert severity="error">{error.message}</Alert>}
      {!policy || accessPending ? (
        !error && <Loading />
      ) : (
        // A new version (saved here or elsewhere) starts the form again from it.
        <Editor key={policy.version} policy={policy} canEdit={canEdit === true} />
      )}
    </Box>
  );
}
