// The console's commune pages: the list (and, for the Métropole, the form adding one), a commune's details
// and identity as the citizen's pages show it, the form changing its details (Métropole only), the forms
// setting its identity and its logo, and the confirmation before the logo is removed.
import { html, type SafeHtml } from '../html.js';
import type { PageContext } from '../layout.js';
import { checkbox, selectField } from './console-fields.js';
import { consolePage, type ConsoleFrame } from './console-frame.js';
import { csrfInput, field } from './fields.js';

/** A commune as the operators' API answers it (its field names are the forms' too). */
export interface ConsoleCommune {
  slug: string;
  name: string;
  insee: string | null;
  population: number | null;
  pilot: boolean;
  offer: string;
  display_name: string | null;
  color: string | null;
  website_url: string | null;
  privacy_url: string | null;
  help_contact: string | null;
  logo_url: string | null;
}

/** A refusal on a form: the field it names (the API's name) and its sentence. */
export interface ConsoleFormFault {
  field?: string | undefined;
  message: string;
}

/** The commune's details as a form holds them: text, as typed. */
export interface CommuneDetailsValues {
  slug?: string;
  name: string;
  insee: string;
  population: string;
  pilot: boolean;
  offer: string;
}

export interface CommuneIdentityValues {
  display_name: string;
  color: string;
  website_url: string;
  privacy_url: string;
  help_contact: string;
}

export const OFFERS = ['global', 'restricted'] as const;

const errorOn = (fault: ConsoleFormFault | undefined, name: string) => (fault?.field === name ? fault.message : undefined);

const numberOf = (page: PageContext, value: number) => new Intl.NumberFormat(page.locale === 'fr' ? 'fr-FR' : 'en-GB').format(value);

export const detailsValuesOf = (commune: ConsoleCommune): CommuneDetailsValues => ({
  name: commune.name,
  insee: commune.insee ?? '',
  population: commune.population === null ? '' : String(commune.population),
  pilot: commune.pilot,
  offer: commune.offer,
});

export const identityValuesOf = (commune: ConsoleCommune): CommuneIdentityValues => ({
  display_name: commune.display_name ?? '',
  color: commune.color ?? '',
  website_url: commune.website_url ?? '',
  privacy_url: commune.privacy_url ?? '',
  help_contact: commune.help_contact ?? '',
});

/** The fields of a commune's details; the slug only when adding one (it never changes afterwards). */
function detailsFields(page: PageContext, values: CommuneDetailsValues, fault: ConsoleFormFault | undefined, withSlug: boolean): SafeHtml {
  const { t } = page;
  const text = (name: 'slug' | 'name' | 'insee' | 'population', required = false) =>
    field({
      name,
      type: 'text',
      label: required
        ? t(`console.communes.fields.${name}`)
        : t('console.communes.optional', { label: t(`console.communes.fields.${name}`) }),
      autocomplete: 'off',
      value: values[name],
      hint: t(`console.communes.hints.${name}`),
      error: errorOn(fault, name),
      required,
    });
  return html`${withSlug ? text('slug', true) : ''}
${text('name', true)}
${text('insee')}
${text('population')}
${checkbox({ name: 'pilot', label: t('console.communes.fields.pilot'), checked: values.pilot, error: errorOn(fault, 'pilot') })}
${selectField({
  name: 'offer',
  label: t('console.communes.fields.offer'),
  hint: t('console.communes.hints.offer'),
  choices: OFFERS.map((offer) => ({ value: offer, label: t(`console.communes.offers.${offer}`) })),
  value: values.offer,
  error: errorOn(fault, 'offer'),
})}`;
}

export interface ConsoleCommunesView {
  communes: ConsoleCommune[];
  /** The form adding a commune, for those who may (the Métropole): its values and its refusal. */
  create?: { values: CommuneDetailsValues; fault?: ConsoleFormFault | undefined } | undefined;
}

export function consoleCommunesPage(page: PageContext, frame: ConsoleFrame, view: ConsoleCommunesView): SafeHtml {
  const { t } = page;
  const list = view.communes.length
    ? html`<div class="table-scroll"><table><caption>${t('console.communes.list_caption', { count: view.communes.length })}</caption>
<thead><tr><th scope="col">${t('console.communes.fields.name')}</th><th scope="col">${t('console.communes.fields.insee')}</th><th scope="col" class="number">${t('console.communes.fields.population')}</th><th scope="col">${t('console.communes.fields.pilot')}</th><th scope="col">${t('console.communes.fields.offer')}</th></tr></thead>
<tbody>${view.communes.map(
        (c) =>
          html`<tr><td><a href="/admin/communes/${c.slug}">${c.name}</a></td><td>${c.insee ?? '—'}</td><td class="number">${
            c.population === null ? '—' : numberOf(page, c.population)
          }</td><td>${c.pilot ? t('console.communes.yes') : t('console.communes.no')}</td><td>${t(`console.communes.offers.${c.offer}`)}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p>${t('console.communes.none')}</p>`;
  const create = view.create
    ? html`<section aria-labelledby="create-commune"><h2 id="create-commune">${t('console.communes.create_title')}</h2>
<form method="post" action="/admin/communes">
${csrfInput(frame.csrfToken)}
${detailsFields(page, view.create.values, view.create.fault, true)}
<button type="submit">${t('console.communes.create')}</button>
</form></section>`
    : '';
  return consolePage(page, frame, t('console.communes.title'), html`${list}${create}`);
}

/** A term and its value, or a dash for a value the commune has not given. */
const entry = (term: string, value: SafeHtml | string | null) => html`<dt>${term}</dt><dd>${value ?? '—'}</dd>`;

export function consoleCommunePage(page: PageContext, frame: ConsoleFrame, view: { commune: ConsoleCommune; mayEdit: boolean }): SafeHtml {
  const { t } = page;
  const c = view.commune;
  const link = (url: string | null) => (url ? html`<a href="${url}">${url}</a>` : null);
  return consolePage(
    page,
    frame,
    c.name,
    html`<section aria-labelledby="commune-details"><h2 id="commune-details">${t('console.communes.details')}</h2>
<dl>
${entry(t('console.communes.fields.slug'), html`<code>${c.slug}</code>`)}
${entry(t('console.communes.fields.insee'), c.insee)}
${entry(t('console.communes.fields.population'), c.population === null ? null : numberOf(page, c.population))}
${entry(t('console.communes.fields.pilot'), c.pilot ? t('console.communes.yes') : t('console.communes.no'))}
${entry(t('console.communes.fields.offer'), t(`console.communes.offers.${c.offer}`))}
</dl>
${view.mayEdit ? html`<p><a href="/admin/communes/${c.slug}/edit">${t('console.communes.edit')}</a></p>` : ''}
</section>
<section aria-labelledby="commune-identity"><h2 id="commune-identity">${t('console.communes.identity')}</h2>
<p>${t('console.communes.identity_intro')}</p>
<dl>
${entry(t('console.communes.fields.display_name'), c.display_name)}
${entry(t('console.communes.fields.logo'), c.logo_url ? html`<img class="commune-logo" src="${c.logo_url}" alt="${t('console.communes.logo_alt', { name: c.name })}" width="48" height="48">` : null)}
${entry(t('console.communes.fields.color'), c.color ? html`<code>${c.color}</code>` : null)}
${entry(t('console.communes.fields.website_url'), link(c.website_url))}
${entry(t('console.communes.fields.privacy_url'), link(c.privacy_url))}
${entry(t('console.communes.fields.help_contact'), c.help_contact)}
</dl>
<p><a href="/admin/communes/${c.slug}/identity">${t('console.communes.edit_identity')}</a></p>
</section>
<section aria-labelledby="commune-clients"><h2 id="commune-clients">${t('console.communes.clients')}</h2>
<p><a href="/admin/communes/${c.slug}/clients">${t('console.communes.see_clients', { name: c.name })}</a></p>
</section>`,
  );
}

export function consoleCommuneEditPage(
  page: PageContext,
  frame: ConsoleFrame,
  view: { commune: ConsoleCommune; values: CommuneDetailsValues; fault?: ConsoleFormFault | undefined },
): SafeHtml {
  const { t } = page;
  return consolePage(
    page,
    frame,
    t('console.communes.edit_title', { name: view.commune.name }),
    html`<form method="post" action="/admin/communes/${view.commune.slug}/edit">
${csrfInput(frame.csrfToken)}
${detailsFields(page, view.values, view.fault, false)}
<button type="submit">${t('console.communes.save')}</button>
</form>
<p><a href="/admin/communes/${view.commune.slug}">${t('console.communes.back', { name: view.commune.name })}</a></p>`,
  );
}

export interface ConsoleCommuneIdentityView {
  commune: ConsoleCommune;
  values: CommuneIdentityValues;
  fault?: ConsoleFormFault | undefined;
  /** The logo upload's refusal (field "logo"). */
  logoFault?: ConsoleFormFault | undefined;
  /** The upload's limit, as the API sets it. */
  logoMaxBytes: number;
}

/** The file input of the logo, wired to its hint and error as fields.ts wires a text input. */
function logoInput(page: PageContext, error: string | undefined, maxBytes: number): SafeHtml {
  const { t } = page;
  const describedBy = ['field-logo-hint', error ? 'field-logo-error' : ''].filter(Boolean).join(' ');
  return html`<label for="field-logo">${t('console.communes.fields.logo_file')}</label>
<p class="hint" id="field-logo-hint">${t('console.communes.hints.logo', { kib: Math.floor(maxBytes / 1024) })}</p>
${error ? html`<p class="field-error" id="field-logo-error">${error}</p>` : ''}
<input id="field-logo" name="logo" type="file" accept="image/png,image/jpeg,image/webp" required aria-describedby="${describedBy}"${
    error ? html` aria-invalid="true"` : ''
  }>`;
}

export function consoleCommuneIdentityPage(page: PageContext, frame: ConsoleFrame, view: ConsoleCommuneIdentityView): SafeHtml {
  const { t } = page;
  const c = view.commune;
  const text = (name: keyof CommuneIdentityValues, autocomplete: string) =>
    field({
      name,
      type: 'text',
      label: t('console.communes.optional', { label: t(`console.communes.fields.${name}`) }),
      autocomplete,
      value: view.values[name],
      hint: t(`console.communes.hints.${name}`),
      error: errorOn(view.fault, name),
    });
  return consolePage(
    page,
    frame,
    t('console.communes.identity_title', { name: c.name }),
    html`<section aria-labelledby="identity-texts"><h2 id="identity-texts">${t('console.communes.identity_texts')}</h2>
<p>${t('console.communes.identity_clears')}</p>
<form method="post" action="/admin/communes/${c.slug}/identity">
${csrfInput(frame.csrfToken)}
${text('display_name', 'organization')}
${text('color', 'off')}
${text('website_url', 'url')}
${text('privacy_url', 'url')}
${text('help_contact', 'off')}
<button type="submit">${t('console.communes.save_identity')}</button>
</form></section>
<section aria-labelledby="identity-logo"><h2 id="identity-logo">${t('console.communes.fields.logo')}</h2>
${
  c.logo_url
    ? html`<p>${t('console.communes.logo_current')}</p><p><img class="commune-logo" src="${c.logo_url}" alt="${t('console.communes.logo_alt', { name: c.name })}" width="48" height="48"></p>
<p><a href="/admin/communes/${c.slug}/logo/remove">${t('console.communes.remove_logo')}</a></p>`
    : html`<p>${t('console.communes.logo_none')}</p>`
}
<form method="post" action="/admin/communes/${c.slug}/logo" enctype="multipart/form-data">
${csrfInput(frame.csrfToken)}
${logoInput(page, errorOn(view.logoFault, 'logo'), view.logoMaxBytes)}
<button type="submit">${t('console.communes.upload_logo')}</button>
</form></section>
<p><a href="/admin/communes/${c.slug}">${t('console.communes.back', { name: c.name })}</a></p>`,
  );
}

export function consoleCommuneLogoRemovePage(page: PageContext, frame: ConsoleFrame, view: { commune: ConsoleCommune }): SafeHtml {
  const { t } = page;
  const c = view.commune;
  return consolePage(
    page,
    frame,
    t('console.communes.remove_logo_title', { name: c.name }),
    html`<p>${t('console.communes.remove_logo_intro')}</p>
${c.logo_url ? html`<p><img class="commune-logo" src="${c.logo_url}" alt="${t('console.communes.logo_alt', { name: c.name })}" width="48" height="48"></p>` : ''}
<form method="post" action="/admin/communes/${c.slug}/logo/remove">
${csrfInput(frame.csrfToken)}
<button type="submit" class="danger">${t('console.communes.remove_logo_confirm')}</button>
</form>
<p><a href="/admin/communes/${c.slug}/identity">${t('console.communes.cancel')}</a></p>`,
  );
}
