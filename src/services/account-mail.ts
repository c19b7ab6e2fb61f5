// The accounts' mail: a notice becomes a mail in the citizen's language, queued in the outbox (in the
// caller's transaction when it gives one), tied to its account so that it goes when the account goes.
import type { AccountNotifier } from '../accounts/index.js';
import type { Mailer } from '../mail/index.js';
import { renderMail, type Views } from '../views/index.js';

export function createAccountNotifier(views: Views, mailer: Pick<Mailer, 'enqueue'>): AccountNotifier {
  return async (notice, db) => {
    const mail = renderMail(views.page(notice.locale), notice.kind, { link: notice.link, vars: notice.vars });
    await mailer.enqueue({ to: notice.to, ...mail }, { db, accountId: notice.accountId, eraseOnceSent: notice.eraseOnceSent });
  };
}
