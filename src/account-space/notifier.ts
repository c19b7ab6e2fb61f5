// The accounts' mail port: a notice becomes a mail in the citizen's language, queued in the outbox.
import type { AccountNotice } from '../accounts/index.js';
import type { Mailer } from '../mail/index.js';
import { renderMail, type Views } from '../views/index.js';

export function createNotifier(views: Views, mailer: Pick<Mailer, 'enqueue'>) {
  return async (notice: AccountNotice): Promise<void> => {
    const mail = renderMail(views.page(notice.locale), notice.kind, { link: notice.link, vars: notice.vars });
    await mailer.enqueue({ to: notice.to, ...mail });
  };
}
