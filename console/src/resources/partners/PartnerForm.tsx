import { Stack } from '@mui/material';
import { CheckboxGroupInput, NumberInput, SaveButton, SelectInput, SimpleForm, TextInput, Toolbar, maxValue, minValue, required, useTranslate } from 'react-admin';
import { SCOPE_CHOICES } from './scopes';

/**
 * The partner form. The rate limit and the daily quota override the tier's; the API checks their
 * bounds again (its answer lands on the fields). A new partner is active: status is edited later.
 */
export function PartnerForm({ withStatus = false }: { withStatus?: boolean }) {
  const translate = useTranslate();
  const choices = (group: string, ids: string[]) => ids.map((id) => ({ id, name: translate(`resources.partners.${group}.${id}`) }));
  return (
    // Deleting is offered on the partner's page, beside its keys, not next to Save.
    <SimpleForm
      toolbar={
        <Toolbar>
          <SaveButton />
        </Toolbar>
      }
    >
      <TextInput source="name" validate={required()} fullWidth />
      <CheckboxGroupInput source="scopes" choices={SCOPE_CHOICES} validate={required()} />
      <SelectInput source="tier" choices={choices('tier', ['standard', 'premium'])} defaultValue="standard" validate={required()} />
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
        <NumberInput source="rateLimit.requestsPerSecond" step={1} validate={[minValue(1), maxValue(10000)]} helperText="resources.partners.overrides_hint" />
        <NumberInput source="rateLimit.burst" step={1} validate={[minValue(1), maxValue(20000)]} />
      </Stack>
      <NumberInput source="dailyQuota" step={1} validate={[minValue(1), maxValue(1000000000)]} helperText="resources.partners.overrides_hint" />
      {withStatus && <SelectInput source="status" choices={choices('status', ['active', 'disabled'])} validate={required()} />}
    </SimpleForm>
  );
}
