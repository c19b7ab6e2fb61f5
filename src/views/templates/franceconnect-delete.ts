// The deletion form of an account with no password of ours, linked to FranceConnect: confirmed by signing in again
// there (account-space/franceconnect.ts) rather than with a password it does not have.
import { html, type SafeHtml } from '../html.js';
import type { PageContext } from '../layout.js';
import { csrfInput } from './fields.js';

export function deleteWithFranceConnectForm(page: PageContext, csrfToken: string, action: string): SafeHtml {
  const { t } = page;
  return html`<p>${t('account.delete.intro')}</p>
<p>${t('account.delete.franceconnect_intro')}</p>
<form method="post" action="${action}">
${csrfInput(csrfToken)}
<button type="submit" class="danger">${t('account.delete.franceconnect_button')}</button>
</form>`;
}
