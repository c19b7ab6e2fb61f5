// The pages oidc-provider asks us to draw (logout, device flow, errors), its forms drawn from their fields.
import { createHash } from 'node:crypto';
import { html, trusted, type SafeHtml } from '../html.js';
import { layout, type PageContext } from '../layout.js';

/** A form of the provider's, drawn here: where it posts and its hidden fields (oidc/provider-forms.ts). */
export interface HiddenFieldsForm {
  action: string;
  fields: Record<string, string>;
}

function hiddenFields(fields: Record<string, string>): SafeHtml[] {
  return Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
}

/** The provider's form, posted by buttons placed elsewhere on the page (their form attribute names it). */
function buttonedForm(id: string, form: HiddenFieldsForm): SafeHtml {
  return html`<form id="${id}" method="post" action="${form.action}">${hiddenFields(form.fields)}</form>`;
}

export function logoutPage(page: PageContext, form: HiddenFieldsForm): SafeHtml {
  const { t } = page;
  return layout(
    page,
    t('logout.title'),
    html`
<p>${t('logout.question')}</p>
${buttonedForm('op.logoutForm', form)}
<div class="actions">
<button type="submit" form="op.logoutForm" value="yes" name="logout" autofocus>${t('logout.yes')}</button>
<button type="submit" form="op.logoutForm" class="secondary">${t('logout.no')}</button>
</div>`,
  );
}

export function logoutDonePage(page: PageContext): SafeHtml {
  return layout(page, page.t('logout.done_title'), html`<p>${page.t('logout.done')}</p>`);
}

/**
 * What went wrong, in plain words, then whom to ask: the help contact of the commune whose site the person
 * came from, else our own help page. The code is for whoever helps, drawn small, never the headline; the
 * library's description (it may quote the request) is drawn nowhere.
 */
export function errorPage(page: PageContext, view: { code: string; message: string }): SafeHtml {
  const { t, face } = page;
  const help = face?.helpContact
    ? html`<p>${t('error.help_commune', { commune: face.communeName })}</p>
<p class="help-contact">${face.helpContact}</p>`
    : html`<p>${t('error.help_site')}</p>
<p><a href="/aide?ui_locales=${page.locale}">${t('info_pages.help.title')}</a></p>`;
  return layout(
    page,
    t('error.title'),
    html`
<p>${view.message}</p>
<h2>${t('error.help_title')}</h2>
${help}
<p class="error-code">${t('error.code')} : <code>${view.code}</code></p>`,
  );
}

export interface DeviceInputForm {
  action: string;
  /** The provider's anti-forgery secret; absent for the GET form that starts over (see interactions/pages). */
  xsrf?: string;
  userCode: string;
}

/** Our own accessible form, posting the same fields as the provider's (its markup has an English placeholder and inline script). */
export function deviceInputPage(page: PageContext, form: DeviceInputForm, message: string, isError: boolean): SafeHtml {
  const { t } = page;
  return layout(
    page,
    t('device.title'),
    html`
${isError ? html`<div class="errors" role="alert"><p>${message}</p></div>` : html`<p>${message}</p>`}
<form id="op.deviceInputForm" method="${form.xsrf === undefined ? 'get' : 'post'}" action="${form.action}">
${form.xsrf === undefined ? '' : html`<input type="hidden" name="xsrf" value="${form.xsrf}">`}
<label for="field-user_code">${t('device.code')}</label>
<input id="field-user_code" name="user_code" type="text" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" required autofocus value="${form.userCode}">
<button type="submit">${t('device.continue')}</button>
</form>`,
  );
}

export function deviceConfirmPage(page: PageContext, form: HiddenFieldsForm, clientName: string, userCode: string): SafeHtml {
  const { t } = page;
  return layout(
    page,
    t('device.title'),
    html`
<p>${t('device.confirm', { client: clientName })}</p>
<p><code class="user-code">${userCode}</code></p>
${buttonedForm('op.deviceConfirmForm', form)}
<div class="actions">
<button type="submit" form="op.deviceConfirmForm" autofocus>${t('device.confirm_button')}</button>
<button type="submit" form="op.deviceConfirmForm" value="yes" name="abort" class="secondary">${t('device.abort_button')}</button>
</div>`,
  );
}

export function deviceSuccessPage(page: PageContext): SafeHtml {
  return layout(page, page.t('device.success_title'), html`<p>${page.t('device.success')}</p>`);
}

const AUTO_SUBMIT = "document.addEventListener('DOMContentLoaded',function(){document.forms[0].submit()})";
/** The CSP hash of the one inline script of our pages. */
export const AUTO_SUBMIT_SCRIPT_HASH = `sha256-${createHash('sha256').update(AUTO_SUBMIT).digest('base64')}`;

/** A form the browser posts on its own; without JavaScript, one click on the button does it. */
export function selfSubmittingFormPage(page: PageContext, form: HiddenFieldsForm): SafeHtml {
  const { t } = page;
  return layout(
    page,
    t('form_post.title'),
    html`
<script>${trusted(AUTO_SUBMIT)}</script>
<form method="post" action="${form.action}">
${hiddenFields(form.fields)}
<p>${t('form_post.no_script')}</p>
<button type="submit" autofocus>${t('form_post.continue')}</button>
</form>`,
  );
}
