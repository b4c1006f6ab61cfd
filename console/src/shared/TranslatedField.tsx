import { useRecordContext, useTranslate } from 'react-admin';

/** A code (a status, a kind) shown in the reader's language: `<prefix>.<value>` in the messages. */
export function TranslatedField({ source, prefix }: { source: string; prefix: string; label?: string }) {
  const record = useRecordContext();
  const translate = useTranslate();
  const value = record?.[source];
  if (typeof value !== 'string') return null;
  return <span>{translate(`${prefix}.${value}`, { _: value })}</span>;
}
