// Dates as a person in the Métropole reads them: Paris time, in the page's language.
import type { PageContext } from './layout.js';

const FORMATS = {
  long: { dateStyle: 'long', timeStyle: 'short' },
  short: { dateStyle: 'short', timeStyle: 'short' },
} as const;

export const dateOf = (page: Pick<PageContext, 'locale'>, date: Date, style: keyof typeof FORMATS = 'long') =>
  new Intl.DateTimeFormat(page.locale === 'fr' ? 'fr-FR' : 'en-GB', { ...FORMATS[style], timeZone: 'Europe/Paris' }).format(date);
