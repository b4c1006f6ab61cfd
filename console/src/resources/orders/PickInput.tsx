import { AutocompleteInput, useGetList, type Validator } from 'react-admin';

export interface PickInputProps {
  source: string;
  reference: string;
  filter?: Record<string, unknown>;
  label?: string;
  validate?: Validator | Validator[];
  onChange?: (value: unknown) => void;
}

/**
 * Picks a record by name. The API cannot search customers or products by name, so one page of
 * them is fetched and matched here as the person types (a ReferenceInput would ask the API).
 */
export function PickInput({ source, reference, filter = {}, label, validate, onChange }: PickInputProps) {
  const { data, isPending } = useGetList(reference, { pagination: { page: 1, perPage: 100 }, sort: { field: 'id', order: 'ASC' }, filter });
  return (
    <AutocompleteInput
      source={source}
      label={label}
      choices={data ?? []}
      isPending={isPending}
      optionText="name"
      validate={validate}
      onChange={onChange}
      sx={{ minWidth: 280 }}
    />
  );
}
