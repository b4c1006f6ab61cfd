import { Stack } from '@mui/material';
import { CheckboxGroupInput, Create, FormDataConsumer, DateInput, HttpError, SelectInput, SimpleForm, required, useNotify, useRedirect, useTranslate } from 'react-admin';
import { unwrap } from '../../api/call';
import type { Schemas } from '../../api/client';
import { useApi } from '../../shared/api-context';
import { useOutcomeNotices } from '../../shared/outcomes';
import { CATALOGUE, ENTITIES, FORMATS, type ExportEntity } from './catalogue';

type Request = Schemas['CreateExportRequest'];

/**
 * The entity's columns (all chosen at first) and, when it has one, its status filter. Each entity
 * keeps its own choice (`columns.<entity>`): switching entities never leaves another's columns selected.
 */
function EntityOptions() {
  return (
    <FormDataConsumer<{ entity?: ExportEntity }>>
      {({ formData }) => {
        const entity = formData.entity;
        if (!entity) return null;
        const { columns, statuses } = CATALOGUE[entity];
        return (
          <>
            <CheckboxGroupInput
              key={entity}
              source={`columns.${entity}`}
              label="resources.exports.fields.fields"
              choices={columns.map((id) => ({ id, name: id }))}
              defaultValue={columns}
              validate={required()}
              helperText="resources.exports.fields_hint"
              row
            />
            {statuses && (
              <SelectInput
                key={`status-${entity}`}
                source={`statuses.${entity}`}
                label="resources.exports.fields.filter.status"
                choices={statuses.map((id) => ({ id, name: id }))}
              />
            )}
          </>
        );
      }}
    </FormDataConsumer>
  );
}

/** The request from the form: the chosen entity's columns and status, and only the filters given (the API refuses empty strings). */
function requestOf(values: Record<string, unknown>): Request {
  const { entity, format, columns = {}, statuses = {}, period = {} } = values as {
    entity: ExportEntity;
    format: Request['format'];
    columns?: Record<string, string[]>;
    statuses?: Record<string, string>;
    period?: { from?: string; to?: string };
  };
  const filter = Object.fromEntries(
    Object.entries({ ...period, status: statuses[entity] }).filter(([, value]) => value !== undefined && value !== null && value !== ''),
  );
  return { entity, format, fields: columns[entity], ...(Object.keys(filter).length > 0 ? { filter } : {}) };
}

/**
 * A new export job. The API answers 202 with the job (queued): the screen opens it to follow its
 * progress. Sent through the typed client because react-admin's create would read a 202 as "sent
 * for approval".
 */
export default function ExportCreate() {
  const api = useApi();
  const translate = useTranslate();
  const notify = useNotify();
  const redirect = useRedirect();
  const { onError } = useOutcomeNotices();

  const submit = async (values: Record<string, unknown>) => {
    try {
      const job = await unwrap(api.POST('/exports', { body: requestOf(values) }));
      notify('resources.exports.queued', { type: 'info' });
      redirect('show', 'exports', job.id);
      return undefined;
    } catch (error) {
      onError(error);
      if (error instanceof HttpError) return (error.body as { errors?: Record<string, unknown> })?.errors;
      return undefined;
    }
  };

  return (
    <Create>
      <SimpleForm onSubmit={submit} defaultValues={{ format: 'parquet' }}>
        <SelectInput source="entity" choices={ENTITIES.map((id) => ({ id, name: translate(`resources.exports.entity.${id}`) }))} validate={required()} />
        <SelectInput source="format" choices={FORMATS.map((id) => ({ id, name: id }))} validate={required()} />
        <EntityOptions />
        <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
          <DateInput source="period.from" label="resources.exports.fields.filter.from" helperText="resources.exports.from_hint" />
          <DateInput source="period.to" label="resources.exports.fields.filter.to" helperText="resources.exports.to_hint" />
        </Stack>
      </SimpleForm>
    </Create>
  );
}
