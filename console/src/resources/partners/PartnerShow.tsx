import { DateField, DeleteButton, EditButton, FunctionField, NumberField, Show, SimpleShowLayout, TextArrayField, TextField, TopToolbar, useTranslate, type RaRecord } from 'react-admin';
import { PartnerKeys } from './PartnerKeys';
import { PartnerWebhooks } from './PartnerWebhooks';

function Actions() {
  return (
    <TopToolbar>
      <EditButton />
      <DeleteButton mutationMode="pessimistic" />
    </TopToolbar>
  );
}

/** A partner: its settings, its API keys and its webhook endpoints. */
export default function PartnerShow() {
  const translate = useTranslate();
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <TextField source="name" />
        <TextArrayField source="scopes" />
        <FunctionField source="tier" render={(partner: RaRecord) => translate(`resources.partners.tier.${partner.tier}`)} />
        <NumberField source="rateLimit.requestsPerSecond" />
        <NumberField source="rateLimit.burst" />
        <NumberField source="dailyQuota" />
        <FunctionField source="status" render={(partner: RaRecord) => translate(`resources.partners.status.${partner.status}`)} />
        <DateField source="createdAt" showTime />
        <DateField source="updatedAt" showTime />
        <TextField source="updatedBy" />
      </SimpleShowLayout>
      <PartnerKeys />
      <PartnerWebhooks />
    </Show>
  );
}
