import { Stack } from '@mui/material';
import { NumberInput, SelectInput, useLocale, useRecordContext, type InputProps } from 'react-admin';

export interface Money {
  amount: number;
  currency: string;
}
export const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'DKK', 'PLN'] as const;

/** Minor units → "€12.50" in the reader's language. */
export function formatMoney(money: Money | undefined, locale: string): string {
  if (!money) return '';
  return new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency }).format(money.amount / 100);
}

export function MoneyField({ source }: { source: string; label?: string; sortable?: boolean }) {
  const record = useRecordContext();
  const locale = useLocale();
  const money = source.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], record) as Money | undefined;
  return <span>{formatMoney(money, locale)}</span>;
}

/** An amount typed in major units (12.50) and sent in minor units (1250), with its currency. */
export function MoneyInput({ source, label, ...rest }: { source: string } & Partial<InputProps>) {
  return (
    <Stack direction="row" spacing={2}>
      <NumberInput
        {...rest}
        source={`${source}.amount`}
        label={label}
        step={0.01}
        format={(value?: number) => (value === undefined || value === null ? '' : (value as number) / 100) as number}
        parse={(value: string) => (value === '' || value === null ? (null as unknown as number) : Math.round(Number(value) * 100))}
      />
      <SelectInput source={`${source}.currency`} choices={CURRENCIES.map((id) => ({ id, name: id }))} defaultValue="EUR" />
    </Stack>
  );
}
