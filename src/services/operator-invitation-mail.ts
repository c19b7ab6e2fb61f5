// The mail of an operator invitation, rendered in the invitee's language and queued in the caller's
// transaction (it exists only if the invitation does). A service because two faces send it: the server
// (operators' API) and the command line, which renders no pages of its own.
import type { Mailer } from '../mail/index.js';
import type { InvitationMailer } from '../operators/index.js';
import { createViews, renderMail, type Views } from '../views/index.js';

export function createInvitationMailer(
  deps: { mailer: Pick<Mailer, 'enqueue'> } & ({ views: Views } | { projectRoot: string }),
): InvitationMailer {
  const views = 'views' in deps ? deps.views : createViews(deps.projectRoot);
  return async (mail, db) => {
    const page = views.page(mail.locale);
    const rendered = renderMail(page, 'operator-invitation', {
      link: mail.link,
      vars: {
        role: page.t(`invitation.roles.${mail.role}`),
        communes: mail.communeNames.length ? mail.communeNames.join(', ') : page.t('invitation.all_communes'),
        expiresOn: mail.expiresAt.toISOString().slice(0, 10),
      },
    });
    await deps.mailer.enqueue({ to: mail.to, ...rendered }, { db });
  };
}
