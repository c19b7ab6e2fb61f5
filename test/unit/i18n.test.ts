import { pickLocale, translator } from '../../src/views/i18n.js';

describe('pickLocale', () => {
  it('speaks French by default', () => {
    expect(pickLocale(undefined, undefined)).toBe('fr');
    expect(pickLocale('', '')).toBe('fr');
  });

  it('lets ui_locales win over Accept-Language', () => {
    expect(pickLocale('en', 'fr-FR,fr;q=0.9')).toBe('en');
    expect(pickLocale('fr', 'en-GB,en;q=0.9')).toBe('fr');
  });

  it('takes the first supported locale of ui_locales, regions included', () => {
    expect(pickLocale('de en-GB fr', undefined)).toBe('en');
  });

  it('falls back to Accept-Language when ui_locales names nothing supported', () => {
    expect(pickLocale('de', 'en')).toBe('en');
  });

  it('follows Accept-Language q-values, not their order', () => {
    expect(pickLocale(undefined, 'fr;q=0.4, en;q=0.8')).toBe('en');
    expect(pickLocale(undefined, 'de, en;q=0.5, fr-CA;q=0.7')).toBe('fr');
    expect(pickLocale(undefined, 'EN-us')).toBe('en');
  });

  it('ignores languages refused with q=0', () => {
    expect(pickLocale(undefined, 'en;q=0, de')).toBe('fr');
  });

  it('speaks French when no accepted language is supported', () => {
    expect(pickLocale(undefined, 'de-DE, it;q=0.8')).toBe('fr');
  });
});

describe('translator', () => {
  const messages = {
    fr: { 'login.title': 'Connexion', 'login.welcome': 'Bonjour {name}' },
    en: { 'login.title': 'Sign in' },
  };

  it('finds the string of the locale and fills its variables', () => {
    expect(translator(messages, 'en')('login.title')).toBe('Sign in');
    expect(translator(messages, 'fr')('login.welcome', { name: 'Jeanne' })).toBe('Bonjour Jeanne');
  });

  it('falls back to French, then to the key itself', () => {
    expect(translator(messages, 'en')('login.welcome', { name: 'Jeanne' })).toBe('Bonjour Jeanne');
    expect(translator(messages, 'en')('login.missing')).toBe('login.missing');
  });

  it('leaves unknown placeholders visible', () => {
    expect(translator(messages, 'fr')('login.welcome')).toBe('Bonjour {name}');
  });
});
