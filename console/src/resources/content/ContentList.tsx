import { CreateButton, DataTable, DateField, List, NumberField, SelectInput, TopToolbar, useTranslate } from 'react-admin';

export const CONTENT_STATUSES = ['draft', 'in_review', 'published'] as const;
const STATUSES = CONTENT_STATUSES.map((id) => ({ id, name: `resources.content.status.${id}` }));

/** Content pieces, every one or those of one status (the API's status index). */
export default function ContentList() {
  const translate = useTranslate();
  return (
    <List
      filters={[<SelectInput key="status" source="status" choices={STATUSES} alwaysOn />]}
      actions={
        <TopToolbar>
          <CreateButton />
        </TopToolbar>
      }
      perPage={25}
      sort={{ field: 'id', order: 'ASC' }}
    >
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="title" disableSort />
        <DataTable.Col source="slug" disableSort />
        <DataTable.Col source="status" disableSort render={(record) => translate(`resources.content.status.${record.status}`)} />
        <DataTable.Col source="latestVersion" disableSort>
          <NumberField source="latestVersion" />
        </DataTable.Col>
        <DataTable.Col source="publishedVersion" disableSort>
          <NumberField source="publishedVersion" emptyText="—" />
        </DataTable.Col>
        <DataTable.Col source="updatedAt" disableSort>
          <DateField source="updatedAt" showTime />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
