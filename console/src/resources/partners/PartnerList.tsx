import { CreateButton, DataTable, DateField, FunctionField, List, NumberField, TextArrayField, TopToolbar, useTranslate, type RaRecord } from 'react-admin';

/** Every partner (API client company): its scopes, tier, throttle and status. */
export default function PartnerList() {
  const translate = useTranslate();
  return (
    <List
      actions={
        <TopToolbar>
          <CreateButton />
        </TopToolbar>
      }
      perPage={25}
    >
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="name" disableSort />
        <DataTable.Col source="scopes" disableSort>
          <TextArrayField source="scopes" />
        </DataTable.Col>
        <DataTable.Col source="tier" disableSort>
          <FunctionField render={(partner: RaRecord) => translate(`resources.partners.tier.${partner.tier}`)} />
        </DataTable.Col>
        <DataTable.Col source="rateLimit.requestsPerSecond" disableSort>
          <NumberField source="rateLimit.requestsPerSecond" />
        </DataTable.Col>
        <DataTable.Col source="dailyQuota" disableSort>
          <NumberField source="dailyQuota" />
        </DataTable.Col>
        <DataTable.Col source="status" disableSort>
          <FunctionField render={(partner: RaRecord) => translate(`resources.partners.status.${partner.status}`)} />
        </DataTable.Col>
        <DataTable.Col source="updatedAt" disableSort>
          <DateField source="updatedAt" showTime />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
