// The citizen's own space at /account: profile, email, password, services, sessions, history, journal.
import { html, type SafeHtml } from '../html.js';
import { errorSummary, layout, type PageContext } from '../layout.js';
import { certifiedNameField } from './certified-identity.js';
import { csrfInput, field } from './fields.js';

export * from './certified-identity.js';

export interface AccountFrame {
  csrfToken: string;
  notice?: string | undefined;
  errors?: string[];
  unverifiedEmail?: string | undefined;
}

/**
 * The navigation in three labelled groups, inside a native disclosure (no script): a phone shows only its
 * summary, the section's name, until it is opened, so the section itself is on the first screen; a wider
 * screen shows the groups open, its summary hidden (glc.css).
 */
const NAV_GROUPS = [
  { id: 'details', sections: ['profile', 'email'] },
  { id: 'sign-in', sections: ['password', 'security', 'sessions', 'history'] },
  { id: 'data', sections: ['services', 'journal', 'export', 'delete'] },
] as const;

/** Every section of the account space is in one group: the sections are the groups' (none is left out of the navigation). */
export type AccountSection = (typeof NAV_GROUPS)[number]['sections'][number];

function hrefOf(section: AccountSection): string {
  return section === 'profile' ? '/account' : `/account/${section}`;
}

/** The frame of every account page: navigation, notices, the verification reminder, and the section. */
export function accountPage(page: PageContext, section: AccountSection, frame: AccountFrame, body: SafeHtml): SafeHtml {
  const { t } = page;
  return layout(
    page,
    t(`account.nav.${section}`),
    html`
<nav aria-label="${t('account.nav_label')}" class="account-nav">
<details>
<summary>${t('account.nav_summary')} <span class="nav-current">${t(`account.nav.${section}`)}</span></summary>
<div class="nav-groups">
${NAV_GROUPS.map(
  (group) => html`<div class="nav-group">
<p class="nav-group-label" id="account-nav-${group.id}">${t(`account.nav_group.${group.id}`)}</p>
<ul aria-labelledby="account-nav-${group.id}">
${group.sections.map((s) => html`<li><a href="${hrefOf(s)}"${s === section ? html` aria-current="page"` : ''}>${t(`account.nav.${s}`)}</a></li>`)}
</ul>
</div>`,
)}
<p class="nav-logout"><a href="/account/logout">${t('account.nav.logout')}</a></p>
</div>
</details>
</nav>
${frame.notice ? html`<p class="panel" role="status">${frame.notice}</p>` : ''}
${errorSummary(page, frame.errors ?? [])}
${
  frame.unverifiedEmail
    ? html`<form method="post" action="/account/email/resend" class="panel">${csrfInput(frame.csrfToken)}
<p>${t('account.unverified', { email: frame.unverifiedEmail })}</p><button type="submit" class="secondary">${t('account.resend')}</button></form>`
    : ''
}
${body}`,
  );
}

export interface ProfileValues {
  givenName: string;
  familyName: string;
  phoneNumber: string;
  street: string;
  postalCode: string;
  locality: string;
  communeSlug: string;
  locale: string;
}

/** The names FranceConnect certifies while linked (read-only), and the refusal of a change to one, on its field. */
export interface CertifiedNamesView {
  certified?: { givenName?: string | undefined; familyName?: string | undefined };
  errors?: { given_name?: string | undefined; family_name?: string | undefined };
}

export function profileForm(
  page: PageContext,
  csrfToken: string,
  values: ProfileValues,
  communes: { slug: string; name: string }[],
  names: CertifiedNamesView = {},
): SafeHtml {
  const { t } = page;
  const nameField = (name: 'given_name' | 'family_name', certified: string | undefined, value: string, autocomplete: string) =>
    certified === undefined
      ? field({ name, type: 'text', label: t(`account.profile.${name}`), autocomplete, value })
      : certifiedNameField(page, {
          name,
          label: t(`account.profile.${name}`),
          autocomplete,
          value: certified,
          error: names.errors?.[name],
        });
  return html`<form method="post" action="/account/profile">
${csrfInput(csrfToken)}
${nameField('given_name', names.certified?.givenName, values.givenName, 'given-name')}
${nameField('family_name', names.certified?.familyName, values.familyName, 'family-name')}
${field({ name: 'phone_number', type: 'tel', label: t('account.profile.phone'), autocomplete: 'tel', value: values.phoneNumber, hint: t('account.profile.phone_hint') })}
<fieldset><legend>${t('account.profile.address')}</legend>
${field({ name: 'street_address', type: 'text', label: t('account.profile.street'), autocomplete: 'street-address', value: values.street })}
${field({ name: 'postal_code', type: 'text', label: t('account.profile.postal_code'), autocomplete: 'postal-code', value: values.postalCode })}
${field({ name: 'locality', type: 'text', label: t('account.profile.locality'), autocomplete: 'address-level2', value: values.locality })}
</fieldset>
<label for="field-commune">${t('account.profile.commune')}</label>
<select id="field-commune" name="commune">
<option value="">${t('account.profile.commune_none')}</option>
${communes.map((c) => html`<option value="${c.slug}"${c.slug === values.communeSlug ? html` selected` : ''}>${c.name}</option>`)}
</select>
<label for="field-locale">${t('account.profile.locale')}</label>
<select id="field-locale" name="locale">
<option value="fr"${values.locale === 'fr' ? html` selected` : ''}>Français</option>
<option value="en"${values.locale === 'en' ? html` selected` : ''}>English</option>
</select>
<button type="submit">${t('account.profile.save')}</button>
</form>`;
}

export function emailForm(page: PageContext, csrfToken: string, currentEmail: string, values: { email?: string }): SafeHtml {
  const { t } = page;
  return html`<p>${t('account.email.current', { email: currentEmail })}</p>
<form method="post" action="/account/email">
${csrfInput(csrfToken)}
${field({ name: 'email', type: 'email', label: t('account.email.new'), autocomplete: 'email', value: values.email, required: true })}
${field({ name: 'current_password', type: 'password', label: t('account.email.password'), autocomplete: 'current-password', required: true })}
<button type="submit">${t('account.email.submit')}</button>
</form>`;
}

export function passwordForm(page: PageContext, csrfToken: string, minLength: number): SafeHtml {
  const { t } = page;
  return html`<form method="post" action="/account/password">
${csrfInput(csrfToken)}
${field({ name: 'current_password', type: 'password', label: t('account.password.current'), autocomplete: 'current-password', required: true })}
${field({ name: 'new_password', type: 'password', label: t('account.password.new'), autocomplete: 'new-password', required: true, hint: t('register.password_hint', { min: minLength }) })}
<button type="submit">${t('account.password.submit')}</button>
</form>`;
}

export function deleteForm(page: PageContext, csrfToken: string): SafeHtml {
  const { t } = page;
  return html`<p>${t('account.delete.intro')}</p>
<form method="post" action="/account/delete">
${csrfInput(csrfToken)}
${field({ name: 'current_password', type: 'password', label: t('account.delete.password'), autocomplete: 'current-password', required: true })}
<button type="submit" class="danger">${t('account.delete.button')}</button>
</form>`;
}

export function exportSection(page: PageContext): SafeHtml {
  return html`<p>${page.t('account.export.intro')}</p><p><a class="button" href="/account/export.json" download>${page.t('account.export.button')}</a></p>`;
}
