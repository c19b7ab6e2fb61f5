// The "Identité certifiée par FranceConnect" section of /account: the pivot identity read-only, the link's dates,
// and the unlink button, or, for an account without a password of ours or a passkey, how to set one first. Also
// the profile's name fields while FranceConnect certifies them: read-only, with their error on the field.
import { dateOf } from '../dates.js';
import { html, type SafeHtml } from '../html.js';
import type { PageContext } from '../layout.js';
import { csrfInput } from './fields.js';

/** The pivot fields in the order shown, named as FranceConnect names them. */
const SHOWN_FIELDS = ['given_name', 'family_name', 'preferred_username', 'birthdate', 'gender', 'birthplace', 'birthcountry'] as const;

export interface CertifiedIdentityView {
  csrfToken: string;
  identity: Partial<Record<(typeof SHOWN_FIELDS)[number], string>>;
  linkedAt: Date;
  lastUsedAt: Date;
  /** Whether the account keeps a password of ours or a passkey: only then may it be unlinked. */
  mayUnlink: boolean;
}

/** A birth date as FranceConnect gives it (YYYY-MM-DD), in the page's language; anything else as received. */
function birthdateOf(page: PageContext, value: string): SafeHtml {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return html`${value}`;
  const date = new Date(`${value}T00:00:00Z`);
  const shown = new Intl.DateTimeFormat(page.locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(date);
  return html`<time datetime="${value}">${shown}</time>`;
}

function valueOf(page: PageContext, field: (typeof SHOWN_FIELDS)[number], value: string): SafeHtml {
  if (field === 'birthdate') return birthdateOf(page, value);
  if (field === 'gender' && (value === 'female' || value === 'male')) return html`${page.t(`account.franceconnect.gender_${value}`)}`;
  return html`${value}`;
}

export function certifiedIdentitySection(page: PageContext, view: CertifiedIdentityView): SafeHtml {
  const { t } = page;
  const shown = SHOWN_FIELDS.filter((field) => view.identity[field] !== undefined);
  return html`<section class="panel" aria-labelledby="franceconnect-title">
<h2 id="franceconnect-title">${t('account.franceconnect.title')}</h2>
<p>${t('account.franceconnect.intro')}</p>
<dl class="certified-identity">
${shown.map((field) => html`<dt>${t(`account.franceconnect.fields.${field}`)}</dt><dd>${valueOf(page, field, view.identity[field] ?? '')}</dd>`)}
</dl>
<p>${t('account.franceconnect.linked_at', { date: dateOf(page, view.linkedAt) })}</p>
<p>${t('account.franceconnect.last_used_at', { date: dateOf(page, view.lastUsedAt) })}</p>
${
  view.mayUnlink
    ? html`<form method="post" action="/account/franceconnect/unlink">${csrfInput(view.csrfToken)}
<p>${t('account.franceconnect.unlink_intro')}</p>
<button type="submit" class="secondary">${t('account.franceconnect.unlink')}</button></form>`
    : html`<p id="franceconnect-needs-password">${t('account.franceconnect.needs_password')}</p>
<ul><li><a href="/account/password/forgot">${t('account.franceconnect.set_password')}</a></li>
<li><a href="/account/security">${t('account.franceconnect.add_passkey')}</a></li></ul>`
}
</section>`;
}

export interface CertifiedNameField {
  name: 'given_name' | 'family_name';
  label: string;
  autocomplete: string;
  value: string;
  error?: string | undefined;
}

/** A name FranceConnect certifies: read-only, said so in its hint, its refusal tied to it. */
export function certifiedNameField(page: PageContext, options: CertifiedNameField): SafeHtml {
  const id = `field-${options.name}`;
  const describedBy = [`${id}-hint`, options.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<label for="${id}">${options.label}</label>
<p class="hint" id="${id}-hint">${page.t('account.franceconnect.certified_hint')}</p>
${options.error ? html`<p class="field-error" id="${id}-error">${options.error}</p>` : ''}
<input id="${id}" name="${options.name}" type="text" autocomplete="${options.autocomplete}" value="${options.value}" readonly aria-describedby="${describedBy}"${
    options.error ? html` aria-invalid="true"` : ''
  }>`;
}
