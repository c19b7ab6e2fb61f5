// The console's operators pages: who holds which role over the operator's communes (as the API lists them),
// the form granting a role (only the roles and communes this operator may hand down are offered; the API
// decides anyway), and the confirmation before a role is taken back.
import { html, type SafeHtml } from '../html.js';
import type { PageContext } from '../layout.js';
import { selectField } from './console-fields.js';
import { consolePage, type ConsoleFrame } from './console-frame.js';
import { csrfInput, field } from './fields.js';

/** An operator as the operators' API answers it. */
export interface ConsoleOperatorEntry {
  account: string | null;
  email: string | null;
  client_id: string | null;
  roles: { role: string; communes: string[] }[];
}

/** The grant form as typed: the API's field names. */
export interface GrantValues {
  email: string;
  client_id: string;
  role: string;
  communes: string[];
}

/** A role to take back: whose, which, over which communes (all of the role's for the Métropole's own). */
export interface RevokeTarget {
  email: string;
  client_id: string;
  role: string;
  communes: string[];
}

export interface ConsoleOperatorsView {
  operators: ConsoleOperatorEntry[];
  /** The roles and communes offered by the grant form. */
  grantable: { roles: string[]; communes: { slug: string; name: string }[] };
  values: GrantValues;
  fault?: { field?: string | undefined; message: string } | undefined;
}

const errorOn = (fault: ConsoleOperatorsView['fault'], name: string) => (fault?.field === name ? fault.message : undefined);

const roleName = (page: PageContext, role: string) => page.t(`console.operators.roles.${role}`);

/** Who holds the role: a person by address, a program by client id. */
const holderOf = (operator: { email: string | null; client_id: string | null }) => operator.email ?? operator.client_id ?? '—';

/** The hidden fields naming a role to take back (repeated `communes`, as the grant form's checkboxes send them). */
function revokeFields(target: RevokeTarget): SafeHtml {
  return html`${target.email ? html`<input type="hidden" name="email" value="${target.email}">` : ''}${
    target.client_id ? html`<input type="hidden" name="client_id" value="${target.client_id}">` : ''
  }<input type="hidden" name="role" value="${target.role}">${target.communes.map((slug) => html`<input type="hidden" name="communes" value="${slug}">`)}`;
}

/** The communes as a group of checkboxes, its error tied to every box. */
function communeChoices(page: PageContext, view: ConsoleOperatorsView): SafeHtml {
  const { t } = page;
  const error = errorOn(view.fault, 'communes') ?? errorOn(view.fault, 'commune');
  const hint = 'field-communes-hint';
  const describedBy = error ? `${hint} field-communes-error` : hint;
  return html`<fieldset><legend>${t('console.operators.fields.communes')}</legend>
<p class="hint" id="${hint}">${t('console.operators.hints.communes')}</p>
${error ? html`<p class="field-error" id="field-communes-error">${error}</p>` : ''}
${view.grantable.communes.map(
  (c) =>
    html`<div class="checkbox"><input type="checkbox" id="field-communes-${c.slug}" name="communes" value="${c.slug}"${
      view.values.communes.includes(c.slug) ? html` checked` : ''
    } aria-describedby="${describedBy}"${error ? html` aria-invalid="true"` : ''}><label for="field-communes-${c.slug}">${c.name}</label></div>`,
)}
</fieldset>`;
}

function grantForm(page: PageContext, frame: ConsoleFrame, view: ConsoleOperatorsView): SafeHtml {
  const { t } = page;
  if (view.grantable.roles.length === 0) return html`<p>${t('console.operators.nothing_to_grant')}</p>`;
  return html`<form method="post" action="/admin/operators/grant" class="panel" novalidate>${csrfInput(frame.csrfToken)}
<p>${t('console.operators.grant_intro')}</p>
${field({
  name: 'email',
  type: 'email',
  label: t('console.operators.fields.email'),
  hint: t('console.operators.hints.email'),
  autocomplete: 'off',
  value: view.values.email,
  error: errorOn(view.fault, 'email'),
})}
${field({
  name: 'client_id',
  type: 'text',
  label: t('console.operators.fields.client_id'),
  hint: t('console.operators.hints.client_id'),
  autocomplete: 'off',
  value: view.values.client_id,
  error: errorOn(view.fault, 'client_id'),
})}
${selectField({
  name: 'role',
  label: t('console.operators.fields.role'),
  choices: view.grantable.roles.map((role) => ({ value: role, label: roleName(page, role) })),
  value: view.values.role,
  error: errorOn(view.fault, 'role'),
})}
${communeChoices(page, view)}
<button type="submit">${t('console.operators.grant')}</button></form>`;
}

function operatorsTable(page: PageContext, operators: ConsoleOperatorEntry[]): SafeHtml {
  const { t } = page;
  if (operators.length === 0) return html`<p>${t('console.operators.none')}</p>`;
  const rows = operators.flatMap((operator) => operator.roles.map((role) => ({ operator, role })));
  return html`<div class="table-scroll"><table><caption>${t('console.operators.table_caption')}</caption>
<thead><tr><th scope="col">${t('console.operators.columns.holder')}</th><th scope="col">${t('console.operators.columns.role')}</th><th scope="col">${t('console.operators.columns.communes')}</th><th scope="col">${t('console.operators.columns.actions')}</th></tr></thead>
<tbody>${rows.map(
    ({ operator, role }) =>
      html`<tr><td>${holderOf(operator)}</td><td>${roleName(page, role.role)}</td><td>${role.communes.length ? role.communes.join(', ') : t('console.operators.every_commune')}</td>
<td><form method="get" action="/admin/operators/revoke">${revokeFields({
        email: operator.email ?? '',
        client_id: operator.email ? '' : (operator.client_id ?? ''),
        role: role.role,
        communes: role.communes,
      })}<button type="submit" class="secondary" aria-label="${t('console.operators.revoke_label', {
        role: roleName(page, role.role),
        who: holderOf(operator),
      })}">${t('console.operators.revoke')}</button></form></td></tr>`,
  )}</tbody></table></div>`;
}

export function consoleOperatorsPage(page: PageContext, frame: ConsoleFrame, view: ConsoleOperatorsView): SafeHtml {
  const { t } = page;
  return consolePage(
    page,
    frame,
    t('console.operators.title'),
    html`<section aria-labelledby="operators-list"><h2 id="operators-list">${t('console.operators.list_title')}</h2>
${operatorsTable(page, view.operators)}</section>
<section aria-labelledby="operators-grant"><h2 id="operators-grant">${t('console.operators.grant_title')}</h2>
${grantForm(page, frame, view)}</section>`,
  );
}

/** The confirmation before a role is taken back: what, from whom, over which communes. */
export function consoleOperatorRevokePage(page: PageContext, frame: ConsoleFrame, target: RevokeTarget): SafeHtml {
  const { t } = page;
  const who = target.email || target.client_id;
  return consolePage(
    page,
    frame,
    t('console.operators.revoke_title'),
    html`<p>${t('console.operators.revoke_confirm', {
      role: roleName(page, target.role),
      who,
      communes: target.communes.length ? target.communes.join(', ') : t('console.operators.every_commune'),
    })}</p>
<form method="post" action="/admin/operators/revoke">${csrfInput(frame.csrfToken)}${revokeFields(target)}
<button type="submit">${t('console.operators.revoke_confirm_button')}</button></form>
<p><a href="/admin/operators">${t('console.operators.back')}</a></p>`,
  );
}
