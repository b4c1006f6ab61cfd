import polyglotI18nProvider from 'ra-i18n-polyglot';
import { en, type Messages } from './en';

/** English is in the first bundle; French and Chinese are loaded when someone picks them. */
const messages = (locale: string): Messages | Promise<Messages> => {
  if (locale === 'fr') return import('./fr').then((module) => module.fr);
  if (locale === 'zh') return import('./zh').then((module) => module.zh);
  return en;
};

export const i18nProvider = polyglotI18nProvider(messages as (locale: string) => Messages, 'en', [
  { locale: 'en', name: 'English' },
  { locale: 'fr', name: 'Français' },
  { locale: 'zh', name: '简体中文' },
]);
