// French first, English second: the locale of a page, and its strings from locales/{fr,en}.json and the
// locales/<part>.{fr,en}.json of a face that keeps its own (the console's pages); a key is said in one file only.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_LOCALE, isLocale, type Locale } from '../locale.js';

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

type Messages = Record<string, string>;

function flatten(tree: Record<string, unknown>, prefix = '', out: Messages = {}): Messages {
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out[path] = value;
    else flatten(value as Record<string, unknown>, path, out);
  }
  return out;
}

export function loadMessages(projectRoot: string): Record<Locale, Messages> {
  const directory = join(projectRoot, 'src', 'views', 'locales');
  const read = (locale: Locale) => {
    const files = readdirSync(directory).filter((name) => name === `${locale}.json` || name.endsWith(`.${locale}.json`));
    const messages: Messages = {};
    for (const file of files.sort()) {
      const part = flatten(JSON.parse(readFileSync(join(directory, file), 'utf8')) as Record<string, unknown>);
      for (const key of Object.keys(part)) {
        if (key in messages) throw new Error(`the message ${key} is said twice (${file})`);
      }
      Object.assign(messages, part);
    }
    return messages;
  };
  return { fr: read('fr'), en: read('en') };
}

export function translator(messages: Record<Locale, Messages>, locale: Locale): Translate {
  return (key, vars = {}) => {
    const template = messages[locale][key] ?? messages.fr[key] ?? key;
    return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in vars ? String(vars[name]) : match));
  };
}

/** ui_locales (space-separated, by preference) wins over Accept-Language; French by default. */
export function pickLocale(uiLocales: string | undefined, acceptLanguage: string | undefined): Locale {
  for (const tag of (uiLocales ?? '').split(/\s+/)) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { base: tag.toLowerCase().split('-')[0], q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { base } of ranked) {
    if (isLocale(base)) return base;
  }
  return DEFAULT_LOCALE;
}
