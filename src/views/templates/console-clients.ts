// The console's pages for a commune's clients: the list, the form registering one, the page showing a new
// secret or token once (never again: no later page carries it), a client's page with its form of changes
// and its switches, the confirmation before deleting it, the secret's rotation with its overlap, and the
// commune's initial access token for dynamic registration.
import { dateOf } from '../dates.js';
import { html, type SafeHtml } from '../html.js';
import type { PageContext } from '../layout.js';
import { selectField, textArea } from './console-fields.js';
import { consolePage, type ConsoleFrame } from './console-frame.js';
import { csrfInput, field } from './fields.js';

export interface ClientsCommune {
  slug: string;
  name: string;
}

/** A client as the operators' API answers it (its field names are the forms' too); never its secret. */
export interface ConsoleClient {
  client_id: string;
  client_name: string;
  enabled: boolean;
  first_party: boolean;
  created_at: string;
  redirect_uris: string[];
  post_logout_redirect_uris?: string[] | undefined;
  grant_types: string[];
  scope: string;
  subject_type: string;
  token_endpoint_auth_method: string;
  backchannel_logout_uri?: string | undefined;
  default_acr_values?: string[] | undefined;
  previous_secret_expires_at?: string | undefined;
}

/** The refusals of a form: the sentence on each field it names (by the API's field names), and the summary. */
export interface ClientFormFaults {
  fields: Record<string, string>;
  summary: string[];
}

/** A client's registration as the form holds it: text as typed, lists one value per line. */
export interface ClientFormValues {
  client_name: string;
  redirect_uris: string;
  post_logout_redirect_uris: string;
  grant_types: string[];
  token_endpoint_auth_method: string;
  scope: string;
  subject_type: string;
  default_acr_values: string;
  backchannel_logout_uri: string;
  first_party: boolean;
}

/** What the form's lists offer: the API's grant types and levels of sign-in (given by the console). */
export interface ClientChoices {
  grantTypes: readonly string[];
  acrValues: readonly string[];
}

export const NO_FAULTS: ClientFormFaults = { fields: {}, summary: [] };

const clientsPath = (commune: ClientsCommune) => `/admin/communes/${commune.slug}/clients`;
const clientPath = (commune: ClientsCommune, clientId: string) => `${clientsPath(commune)}/${clientId}`;

const isPublic = (client: Pick<ConsoleClient, 'token_endpoint_auth_method'>) => client.token_endpoint_auth_method === 'none';

function framed(page: PageContext, frame: ConsoleFrame, faults: ClientFormFaults, title: string, body: SafeHtml): SafeHtml {
  return consolePage(page, { ...frame, errors: faults.summary }, title, body);
}

/** Where the operator is: the commune, its clients. */
function trail(page: PageContext, commune: ClientsCommune, client?: { client_id: string; client_name: string }): SafeHtml {
  const { t } = page;
  return html`<nav aria-label="${t('console.clients.trail')}"><p><a href="/admin/communes/${commune.slug}">${commune.name}</a> ›
<a href="${clientsPath(commune)}">${t('console.clients.list_title')}</a>${
    client ? html` › <a href="${clientPath(commune, client.client_id)}">${client.client_name}</a>` : ''
  }</p></nav>`;
}

/** An optional field's label says so (every other field is required: layout.required_note). */
const optional = (page: PageContext, key: string) => page.t('console.clients.optional', { label: page.t(key) });

function statusOf(page: PageContext, client: Pick<ConsoleClient, 'enabled'>): SafeHtml {
  return html`<span class="status">${page.t(client.enabled ? 'console.clients.enabled' : 'console.clients.disabled')}</span>`;
}

export interface ClientsListView {
  commune: ClientsCommune;
  clients: (ConsoleClient & { pending_scopes: string[] })[];
}

export function consoleClientsPage(page: PageContext, frame: ConsoleFrame, view: ClientsListView): SafeHtml {
  const { t } = page;
  const { commune } = view;
  return consolePage(
    page,
    frame,
    t('console.clients.list_heading', { commune: commune.name }),
    html`${trail(page, commune)}
<p><a class="button" href="${clientsPath(commune)}/new">${t('console.clients.add')}</a>
<a href="${clientsPath(commune)}/registration-token">${t('console.clients.token_link')}</a></p>
${
  view.clients.length
    ? html`<div class="table-scroll"><table><caption>${t('console.clients.list_caption', { commune: commune.name })}</caption>
<thead><tr><th scope="col">${t('console.clients.columns.name')}</th><th scope="col">${t('console.clients.columns.client_id')}</th><th scope="col">${t('console.clients.columns.kind')}</th><th scope="col">${t('console.clients.columns.status')}</th><th scope="col">${t('console.clients.columns.pending')}</th></tr></thead>
<tbody>${view.clients.map(
        (c) =>
          html`<tr><td><a href="${clientPath(commune, c.client_id)}">${c.client_name}</a></td><td><code>${c.client_id}</code></td><td>${t(
            isPublic(c) ? 'console.clients.public' : 'console.clients.confidential',
          )}</td><td>${statusOf(page, c)}</td><td>${c.pending_scopes.length ? c.pending_scopes.join(' ') : '—'}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p>${t('console.clients.none')}</p>`
}`,
  );
}

/** The fields a client's registration and its changes share: name, URIs, scopes, minimum level. */
function sharedFields(page: PageContext, values: ClientFormValues, faults: ClientFormFaults, choices: ClientChoices): SafeHtml {
  const { t } = page;
  const error = (name: string) => faults.fields[name];
  return html`${field({ name: 'client_name', type: 'text', label: t('console.clients.fields.client_name'), hint: t('console.clients.hints.client_name'), autocomplete: 'off', value: values.client_name, error: error('client_name'), required: true })}
${textArea({ name: 'redirect_uris', label: optional(page, 'console.clients.fields.redirect_uris'), hint: t('console.clients.hints.redirect_uris'), value: values.redirect_uris, error: error('redirect_uris') })}
${textArea({ name: 'post_logout_redirect_uris', label: optional(page, 'console.clients.fields.post_logout_redirect_uris'), hint: t('console.clients.hints.one_per_line'), value: values.post_logout_redirect_uris, error: error('post_logout_redirect_uris') })}
${field({ name: 'backchannel_logout_uri', type: 'text', label: optional(page, 'console.clients.fields.backchannel_logout_uri'), hint: t('console.clients.hints.backchannel_logout_uri'), autocomplete: 'off', value: values.backchannel_logout_uri, error: error('backchannel_logout_uri') })}
${field({ name: 'scope', type: 'text', label: t('console.clients.fields.scope'), hint: t('console.clients.hints.scope'), autocomplete: 'off', value: values.scope, error: error('scope'), required: true })}
${selectField({
  name: 'default_acr_values',
  label: t('console.clients.fields.default_acr_values'),
  hint: t('console.clients.hints.default_acr_values'),
  choices: [
    { value: '', label: t('console.clients.acr.none') },
    ...choices.acrValues.map((value) => ({ value, label: t(`console.clients.acr.${value.split(':').pop() ?? value}`) })),
  ],
  value: values.default_acr_values,
  error: error('default_acr_values'),
})}`;
}

/** The grant types as checkboxes in one group, its error on the group (every box says it is invalid). */
function grantTypesFieldset(page: PageContext, values: ClientFormValues, faults: ClientFormFaults, choices: ClientChoices): SafeHtml {
  const { t } = page;
  const error = faults.fields.grant_types;
  return html`<fieldset${error ? html` aria-describedby="field-grant_types-error"` : ''}><legend>${t('console.clients.fields.grant_types')}</legend>
${error ? html`<p class="field-error" id="field-grant_types-error">${error}</p>` : ''}
${choices.grantTypes.map(
  (grant, i) =>
    html`<div class="checkbox"><input type="checkbox" id="field-grant_types-${i}" name="grant_types" value="${grant}"${
      values.grant_types.includes(grant) ? html` checked` : ''
    }${error ? html` aria-invalid="true"` : ''}><label for="field-grant_types-${i}">${t(`console.clients.grants.${grant.split(':').pop() ?? grant}`)}</label></div>`,
)}</fieldset>`;
}

export interface ClientFormView {
  commune: ClientsCommune;
  values: ClientFormValues;
  faults: ClientFormFaults;
  choices: ClientChoices;
  /** The first-party box: for a metropole-admin, or to show the refusal of one who asked for it. */
  offersFirstParty: boolean;
}

export function consoleClientFormPage(page: PageContext, frame: ConsoleFrame, view: ClientFormView): SafeHtml {
  const { t } = page;
  const { values, faults } = view;
  const firstPartyError = faults.fields.first_party;
  return framed(
    page,
    frame,
    faults,
    t('console.clients.new_title'),
    html`${trail(page, view.commune)}
<p class="required-note">${t('layout.required_note')}</p>
<form method="post" action="${clientsPath(view.commune)}" novalidate>${csrfInput(frame.csrfToken)}
${sharedFields(page, values, faults, view.choices)}
${grantTypesFieldset(page, values, faults, view.choices)}
${selectField({
  name: 'token_endpoint_auth_method',
  label: t('console.clients.fields.token_endpoint_auth_method'),
  hint: t('console.clients.hints.token_endpoint_auth_method'),
  choices: [
    { value: 'client_secret_basic', label: t('console.clients.confidential') },
    { value: 'none', label: t('console.clients.public') },
  ],
  value: values.token_endpoint_auth_method,
  error: faults.fields.token_endpoint_auth_method,
})}
${selectField({
  name: 'subject_type',
  label: t('console.clients.fields.subject_type'),
  hint: t('console.clients.hints.subject_type'),
  choices: [
    { value: 'pairwise', label: t('console.clients.subjects.pairwise') },
    { value: 'public', label: t('console.clients.subjects.public') },
  ],
  value: values.subject_type,
  error: faults.fields.subject_type,
})}
${
  view.offersFirstParty
    ? html`<div class="checkbox"><input type="checkbox" id="field-first_party" name="first_party" value="on"${values.first_party ? html` checked` : ''}${
        firstPartyError
          ? html` aria-invalid="true" aria-describedby="field-first_party-hint field-first_party-error"`
          : html` aria-describedby="field-first_party-hint"`
      }><label for="field-first_party">${t('console.clients.fields.first_party')}</label></div>
<p class="hint" id="field-first_party-hint">${t('console.clients.hints.first_party')}</p>
${firstPartyError ? html`<p class="field-error" id="field-first_party-error">${firstPartyError}</p>` : ''}`
    : ''
}
<button type="submit">${t('console.clients.create')}</button>
</form>`,
  );
}

export interface ClientSecretView {
  commune: ClientsCommune;
  client: ConsoleClient;
  /** Absent for a public client, which has none. */
  secret?: string | undefined;
  kind: 'created' | 'rotated';
  /** After a rotation: when the previous secret stops (null: it stopped at once). */
  previousSecretExpiresAt?: Date | null;
}

/** The one page that shows a secret: sent once, never stored by the browser (Cache-Control: no-store). */
export function consoleClientSecretPage(page: PageContext, frame: ConsoleFrame, view: ClientSecretView): SafeHtml {
  const { t } = page;
  const { client } = view;
  const previous =
    view.kind === 'rotated'
      ? view.previousSecretExpiresAt
        ? t('console.clients.secret.previous_until', { date: dateOf(page, view.previousSecretExpiresAt) })
        : t('console.clients.secret.previous_stopped')
      : undefined;
  return consolePage(
    page,
    frame,
    t(view.kind === 'created' ? 'console.clients.secret.created_title' : 'console.clients.secret.rotated_title', {
      name: client.client_name,
    }),
    html`${trail(page, view.commune, client)}
<dl><dt>${t('console.clients.columns.client_id')}</dt><dd><code class="secret-once">${client.client_id}</code></dd>
${view.secret ? html`<dt>${t('console.clients.secret.label')}</dt><dd><code class="secret-once">${view.secret}</code></dd>` : ''}</dl>
${
  view.secret
    ? html`<div class="panel" role="alert"><p><strong>${t('console.clients.secret.once')}</strong></p><p>${t('console.clients.secret.keep')}</p></div>`
    : html`<p class="panel">${t('console.clients.secret.public')}</p>`
}
${previous ? html`<p>${previous}</p>` : ''}
<p><a href="${clientPath(view.commune, client.client_id)}">${t('console.clients.secret.continue')}</a></p>`,
  );
}

export interface ClientPageView {
  commune: ClientsCommune;
  client: ConsoleClient;
  pendingScopes: string[];
  values: ClientFormValues;
  faults: ClientFormFaults;
  choices: ClientChoices;
}

/** A client's registration as its form of changes starts: what the API answered. */
export function clientFormValuesOf(client: ConsoleClient): ClientFormValues {
  return {
    client_name: client.client_name,
    redirect_uris: client.redirect_uris.join('\n'),
    post_logout_redirect_uris: (client.post_logout_redirect_uris ?? []).join('\n'),
    grant_types: client.grant_types,
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    scope: client.scope,
    subject_type: client.subject_type,
    default_acr_values: client.default_acr_values?.[0] ?? '',
    backchannel_logout_uri: client.backchannel_logout_uri ?? '',
    first_party: client.first_party,
  };
}

function secretSection(page: PageContext, view: ClientPageView): SafeHtml {
  const { t } = page;
  const { client } = view;
  if (isPublic(client)) return html`<p>${t('console.clients.secret.public')}</p>`;
  const previous = client.previous_secret_expires_at;
  return html`<ul><li>${t('console.clients.secret.current')}</li>${
    previous ? html`<li>${t('console.clients.secret.previous_until', { date: dateOf(page, new Date(previous)) })}</li>` : ''
  }</ul>
<p><a href="${clientPath(view.commune, client.client_id)}/secret">${t('console.clients.rotate.link')}</a></p>`;
}

export function consoleClientPage(page: PageContext, frame: ConsoleFrame, view: ClientPageView): SafeHtml {
  const { t } = page;
  const { client, commune, faults } = view;
  const path = clientPath(commune, client.client_id);
  const switchTo = client.enabled ? 'disable' : 'enable';
  return framed(
    page,
    frame,
    faults,
    client.client_name,
    html`${trail(page, commune)}
<dl>
<dt>${t('console.clients.columns.client_id')}</dt><dd><code>${client.client_id}</code></dd>
<dt>${t('console.clients.columns.status')}</dt><dd>${statusOf(page, client)}</dd>
<dt>${t('console.clients.columns.kind')}</dt><dd>${t(isPublic(client) ? 'console.clients.public' : 'console.clients.confidential')}${
      client.first_party ? html` — ${t('console.clients.first_party')}` : ''
    }</dd>
<dt>${t('console.clients.fields.grant_types')}</dt><dd>${client.grant_types.map((g) => t(`console.clients.grants.${g.split(':').pop() ?? g}`)).join(', ')}</dd>
<dt>${t('console.clients.fields.subject_type')}</dt><dd>${t(`console.clients.subjects.${client.subject_type}`)}</dd>
<dt>${t('console.clients.created_at')}</dt><dd>${dateOf(page, new Date(client.created_at))}</dd>
${view.pendingScopes.length ? html`<dt>${t('console.clients.columns.pending')}</dt><dd>${view.pendingScopes.join(' ')}</dd>` : ''}
</dl>
<section aria-labelledby="client-secret"><h2 id="client-secret">${t('console.clients.secret.heading')}</h2>${secretSection(page, view)}</section>
<section aria-labelledby="client-edit"><h2 id="client-edit">${t('console.clients.edit_heading')}</h2>
<p class="required-note">${t('layout.required_note')}</p>
<form method="post" action="${path}" novalidate>${csrfInput(frame.csrfToken)}
${sharedFields(page, view.values, faults, view.choices)}
<button type="submit">${t('console.clients.save')}</button>
</form></section>
<section aria-labelledby="client-actions"><h2 id="client-actions">${t('console.clients.actions_heading')}</h2>
<form method="post" action="${path}/${switchTo}">${csrfInput(frame.csrfToken)}
<p class="hint">${t(`console.clients.${switchTo}_hint`)}</p>
<button type="submit" class="secondary">${t(`console.clients.${switchTo}`)}</button></form>
<p><a href="${path}/delete">${t('console.clients.delete.link')}</a></p>
</section>`,
  );
}

export function consoleClientDeletePage(
  page: PageContext,
  frame: ConsoleFrame,
  view: { commune: ClientsCommune; client: ConsoleClient },
): SafeHtml {
  const { t } = page;
  const path = clientPath(view.commune, view.client.client_id);
  return consolePage(
    page,
    frame,
    t('console.clients.delete.title', { name: view.client.client_name }),
    html`${trail(page, view.commune, view.client)}
<p>${t('console.clients.delete.warning')}</p>
<form method="post" action="${path}/delete">${csrfInput(frame.csrfToken)}
<button type="submit" class="danger">${t('console.clients.delete.confirm')}</button></form>
<p><a href="${path}">${t('console.clients.cancel')}</a></p>`,
  );
}

export interface ClientRotateView {
  commune: ClientsCommune;
  client: ConsoleClient;
  /** The overlaps offered, in seconds, and the one chosen (the deployment's default at first). */
  overlaps: readonly number[];
  overlapSeconds: string;
  overlapDays: string;
  faults: ClientFormFaults;
}

const DAY_SECONDS = 86_400;

function overlapLabel(page: PageContext, seconds: number): string {
  if (seconds === 0) return page.t('console.clients.rotate.at_once');
  const days = seconds / DAY_SECONDS;
  return Number.isInteger(days)
    ? page.t(days === 1 ? 'console.clients.rotate.one_day' : 'console.clients.rotate.days', { days })
    : page.t('console.clients.rotate.seconds', { seconds });
}

export function consoleClientRotatePage(page: PageContext, frame: ConsoleFrame, view: ClientRotateView): SafeHtml {
  const { t } = page;
  const path = clientPath(view.commune, view.client.client_id);
  return framed(
    page,
    frame,
    view.faults,
    t('console.clients.rotate.title', { name: view.client.client_name }),
    html`${trail(page, view.commune, view.client)}
<p>${t('console.clients.rotate.intro')}</p>
<form method="post" action="${path}/secret" novalidate>${csrfInput(frame.csrfToken)}
${selectField({
  name: 'overlap_seconds',
  label: t('console.clients.rotate.overlap'),
  hint: t('console.clients.rotate.overlap_hint'),
  choices: view.overlaps.map((seconds) => ({ value: String(seconds), label: overlapLabel(page, seconds) })),
  value: view.overlapSeconds,
  error: view.faults.fields.overlap_seconds,
})}
${field({ name: 'overlap_days', type: 'text', label: optional(page, 'console.clients.rotate.overlap_days'), hint: t('console.clients.rotate.overlap_days_hint'), autocomplete: 'off', value: view.overlapDays, error: view.faults.fields.overlap_days })}
<button type="submit">${t('console.clients.rotate.submit')}</button></form>
<p><a href="${path}">${t('console.clients.cancel')}</a></p>`,
  );
}

export interface RegistrationTokenView {
  commune: ClientsCommune;
  /** The lives offered, in seconds, and the one chosen. */
  lives: readonly number[];
  ttlSeconds: string;
  faults: ClientFormFaults;
  /** Once issued: the token, shown on this answer only. */
  issued?: { token: string; expiresAt: Date; registrationEndpoint: string } | undefined;
}

export function consoleRegistrationTokenPage(page: PageContext, frame: ConsoleFrame, view: RegistrationTokenView): SafeHtml {
  const { t } = page;
  const action = `${clientsPath(view.commune)}/registration-token`;
  const issued = view.issued;
  return framed(
    page,
    frame,
    view.faults,
    t('console.clients.token.title', { commune: view.commune.name }),
    html`${trail(page, view.commune)}
${
  issued
    ? html`<dl><dt>${t('console.clients.token.label')}</dt><dd><code class="secret-once">${issued.token}</code></dd>
<dt>${t('console.clients.token.expires')}</dt><dd>${dateOf(page, issued.expiresAt)}</dd>
<dt>${t('console.clients.token.endpoint')}</dt><dd><code>${issued.registrationEndpoint}</code></dd></dl>
<div class="panel" role="alert"><p><strong>${t('console.clients.token.once')}</strong></p></div>
<p><a href="${clientsPath(view.commune)}">${t('console.clients.secret.back_to_list')}</a></p>`
    : html`<p>${t('console.clients.token.intro')}</p>
<form method="post" action="${action}" novalidate>${csrfInput(frame.csrfToken)}
${selectField({
  name: 'ttl_seconds',
  label: t('console.clients.token.ttl'),
  choices: view.lives.map((seconds) => ({ value: String(seconds), label: overlapLabel(page, seconds) })),
  value: view.ttlSeconds,
  error: view.faults.fields.ttl_seconds,
})}
<button type="submit">${t('console.clients.token.submit')}</button></form>`
}`,
  );
}
