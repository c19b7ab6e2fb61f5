// The console's help desk: one search by a whole address (posted, so that the address never sits in a URL),
// the account it finds (verification, lock, last sign-in) with its actions: resend the verification mail,
// lock with a reason, unlock. No list of accounts anywhere.
import { dateOf } from '../dates.js';
import { html, type SafeHtml } from '../html.js';
import type { PageContext } from '../layout.js';
import { textArea } from './console-fields.js';
import { consolePage, type ConsoleFrame } from './console-frame.js';
import { csrfInput, field } from './fields.js';

/** An account as the operators' API answers it. */
export interface HelpDeskAccount {
  sub: string;
  email: string;
  email_verified: boolean;
  locked: boolean;
  created_at: string;
  last_login_at: string | null;
}

export interface ConsoleHelpDeskView {
  /** The address searched, as typed (kept in the form). */
  email: string;
  /** The search's answer: undefined before any search, null when no account holds the address. */
  account?: HelpDeskAccount | null | undefined;
  /** The reason typed in the lock or unlock form, kept when it is refused. */
  reason?: string | undefined;
  fault?: { field?: string | undefined; message: string } | undefined;
}

const errorOn = (fault: ConsoleHelpDeskView['fault'], name: string) => (fault?.field === name ? fault.message : undefined);

function searchForm(page: PageContext, frame: ConsoleFrame, view: ConsoleHelpDeskView): SafeHtml {
  const { t } = page;
  return html`<form method="post" action="/admin/help-desk" class="panel" role="search" novalidate>${csrfInput(frame.csrfToken)}
${field({
  name: 'email',
  type: 'email',
  label: t('console.help-desk.fields.email'),
  hint: t('console.help-desk.hints.email'),
  autocomplete: 'off',
  value: view.email,
  required: true,
  error: errorOn(view.fault, 'email'),
})}
<button type="submit">${t('console.help-desk.search')}</button></form>`;
}

/** An action's form on the account: its CSRF token and the address, so that a refusal shows the account again. */
const actionForm = (frame: ConsoleFrame, account: HelpDeskAccount, action: string, body: SafeHtml) =>
  html`<form method="post" action="/admin/help-desk/accounts/${account.sub}/${action}">${csrfInput(frame.csrfToken)}<input type="hidden" name="email" value="${account.email}">${body}</form>`;

function accountPanel(page: PageContext, frame: ConsoleFrame, view: ConsoleHelpDeskView, account: HelpDeskAccount): SafeHtml {
  const { t } = page;
  const lockState = account.locked ? t('console.help-desk.locked_yes') : t('console.help-desk.locked_no');
  const reasonField = (required: boolean) =>
    textArea({
      name: 'reason',
      label: required ? t('console.help-desk.fields.reason') : t('console.help-desk.fields.reason_optional'),
      hint: t('console.help-desk.hints.reason'),
      value: view.reason,
      rows: 3,
      required,
      error: errorOn(view.fault, 'reason'),
    });
  return html`<section aria-labelledby="help-desk-account" class="panel"><h2 id="help-desk-account">${t('console.help-desk.account_title')}</h2>
<dl>
<dt>${t('console.help-desk.email')}</dt><dd>${account.email}</dd>
<dt>${t('console.help-desk.verified')}</dt><dd>${account.email_verified ? t('console.help-desk.verified_yes') : t('console.help-desk.verified_no')}</dd>
<dt>${t('console.help-desk.lock_state')}</dt><dd>${lockState}</dd>
<dt>${t('console.help-desk.last_login')}</dt><dd>${
    account.last_login_at ? dateOf(page, new Date(account.last_login_at), 'long') : t('console.help-desk.never')
  }</dd>
<dt>${t('console.help-desk.created')}</dt><dd>${dateOf(page, new Date(account.created_at), 'long')}</dd>
</dl>
${
  account.email_verified
    ? ''
    : actionForm(
        frame,
        account,
        'verification-mail',
        html`<button type="submit" class="secondary">${t('console.help-desk.resend')}</button>`,
      )
}
${
  account.locked
    ? actionForm(frame, account, 'unlock', html`${reasonField(false)}<button type="submit">${t('console.help-desk.unlock')}</button>`)
    : actionForm(frame, account, 'lock', html`${reasonField(true)}<button type="submit">${t('console.help-desk.lock')}</button>`)
}
</section>`;
}

export function consoleHelpDeskPage(page: PageContext, frame: ConsoleFrame, view: ConsoleHelpDeskView): SafeHtml {
  const { t } = page;
  const { account } = view;
  return consolePage(
    page,
    frame,
    t('console.help-desk.title'),
    html`<p>${t('console.help-desk.intro')}</p>
${searchForm(page, frame, view)}
${account === null ? html`<p role="status" class="panel">${t('console.help-desk.not_found')}</p>` : ''}
${account ? accountPanel(page, frame, view, account) : ''}`,
  );
}
