// The passkey parts of two pages: the list and the "add" form of the account's security section, and the
// passkey button of the login page. Both are plain forms that post without JavaScript plumbing: the script
// (/static/passkeys.js, no inline script under our CSP) runs the ceremony, puts the browser's answer in the
// hidden `response` field and submits. Without JavaScript they say that passkeys need it.
import { dateOf } from '../dates.js';
import { html, type SafeHtml } from '../html.js';
import type { PageContext } from '../layout.js';
import { csrfInput } from './fields.js';

export interface PasskeyView {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | undefined;
  isSynced: boolean;
}

const SCRIPT = html`<script type="module" src="/static/passkeys.js"></script>`;

/** The texts the script shows, carried by the form so that the script needs no locale of its own. */
const scriptTexts = (page: PageContext) =>
  html`data-text-cancelled="${page.t('passkeys.cancelled')}" data-text-unsupported="${page.t('passkeys.unsupported')}"`;

function passkeyItem(page: PageContext, passkey: PasskeyView, csrfToken: string, removeAction: string): SafeHtml {
  const { t } = page;
  return html`<li class="panel"><h3>${passkey.name}</h3>
<p>${t('passkeys.created', { date: dateOf(page, passkey.createdAt) })}</p>
<p>${passkey.lastUsedAt ? t('passkeys.last_used', { date: dateOf(page, passkey.lastUsedAt) }) : t('passkeys.never_used')}</p>
${passkey.isSynced ? html`<p>${t('passkeys.synced')}</p>` : ''}
<form method="post" action="${removeAction}">${csrfInput(csrfToken)}<input type="hidden" name="id" value="${passkey.id}">
<button type="submit" class="secondary" aria-label="${t('passkeys.remove')} — ${passkey.name}">${t('passkeys.remove')}</button></form></li>`;
}

export function passkeySection(
  page: PageContext,
  view: { passkeys: PasskeyView[]; csrfToken: string; optionsUrl: string; action: string; removeAction: string },
): SafeHtml {
  const { t } = page;
  return html`<section class="passkeys" aria-labelledby="passkeys-title">
<h2 id="passkeys-title">${t('passkeys.title')}</h2>
<p>${t('passkeys.intro')}</p>
${
  view.passkeys.length === 0
    ? html`<p>${t('passkeys.empty')}</p>`
    : html`<ul class="cards">${view.passkeys.map((p) => passkeyItem(page, p, view.csrfToken, view.removeAction))}</ul>`
}
<p class="hint" data-passkey-fallback>${t('passkeys.needs_javascript')}</p>
<form method="post" action="${view.action}" data-passkey-register data-options-url="${view.optionsUrl}" ${scriptTexts(page)} hidden>
${csrfInput(view.csrfToken)}<input type="hidden" name="response" value="">
<label for="passkey-name">${t('passkeys.name')}</label>
<p class="hint" id="passkey-name-hint">${t('passkeys.name_hint')}</p>
<input id="passkey-name" name="name" type="text" autocomplete="off" maxlength="100" required aria-describedby="passkey-name-hint">
<p class="field-error" role="alert" data-passkey-error hidden></p>
<button type="submit">${t('passkeys.add')}</button>
</form>
${SCRIPT}
</section>`;
}

/** The passkey button of the login and second-factor pages; the page's email input carries autocomplete="username webauthn". */
export function passkeyLoginFragment(page: PageContext, view: { optionsUrl: string; action: string; csrfToken: string }): SafeHtml {
  const { t } = page;
  // Not a form: the login page has one (the password's); the script posts the answer to data-action.
  return html`<div class="passkey-login" data-passkey-login data-action="${view.action}" data-csrf="${view.csrfToken}" data-options-url="${view.optionsUrl}" ${scriptTexts(page)} hidden>
<p class="field-error" role="alert" data-passkey-error hidden></p>
<button type="button" class="secondary">${t('passkeys.sign_in')}</button>
</div>
<p class="hint" data-passkey-fallback>${t('passkeys.sign_in_needs_javascript')}</p>
${SCRIPT}`;
}
