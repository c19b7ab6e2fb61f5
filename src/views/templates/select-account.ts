// The account choice of prompt=select_account: the one account this browser is signed in with, or another.
// One form, two buttons; the second signs the browser out of GrandLyonConnect before the login page.
import { html, type SafeHtml } from '../html.js';
import { layout, type PageContext } from '../layout.js';
import { csrfInput } from './fields.js';

export interface SelectAccountView {
  action: string;
  csrfToken: string;
  clientName: string;
  /** The address of the account signed in in this browser. */
  email: string;
}

export function selectAccountPage(page: PageContext, view: SelectAccountView): SafeHtml {
  const { t } = page;
  return layout(
    page,
    t('select_account.title'),
    html`
<p>${t('select_account.intro', { client: view.clientName })}</p>
<form method="post" action="${view.action}">
${csrfInput(view.csrfToken)}
<div class="actions">
<button type="submit" name="decision" value="continue">${t('select_account.continue', { email: view.email })}</button>
<button type="submit" name="decision" value="switch" class="secondary">${t('select_account.switch')}</button>
</div>
<p class="hint">${t('select_account.switch_hint')}</p>
</form>`,
  );
}
