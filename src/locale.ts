// The languages GrandLyonConnect speaks, French first: the language of a page, of an account and its
// mail, and what discovery advertises. French is the default wherever nothing else was asked.
export const LOCALES = ['fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'fr';

export function isLocale(value: unknown): value is Locale {
  return (LOCALES as readonly unknown[]).includes(value);
}
