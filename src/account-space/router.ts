// /account: the citizen's own space, reached with the provider's session, and the pages of its mails.
import { randomBytes } from 'node:crypto';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import { sendPage } from '../http/index.js';
import { ACCOUNT_SPACE_CLIENT_ID } from '../oidc/index.js';
import { messagePage } from '../views/index.js';
import {
  downloadExport,
  endAllSessions,
  endSession,
  revokeService,
  showExport,
  showHistory,
  showJournal,
  showServices,
  showSessions,
} from './activity.js';
import { pageOf, requireCitizen, type AccountSpaceDeps } from './context.js';
import { showDelete, showEmail, showPassword, submitDelete, submitEmail, submitPassword } from './credentials.js';
import { showCounterRecovery, submitCounterRecovery } from './counter-recovery.js';
import { finishFranceConnectDeletion, startFranceConnectDeletion, submitUnlink } from './franceconnect.js';
import { resendVerification, saveProfile, showProfile } from './profile.js';
import { passkeySectionOf, showPasskeyOptions, submitPasskey, submitPasskeyRemoval } from './passkeys.js';
import { confirmTotp, disableTotp, regenerateRecoveryCodes, showSecurity, showTotpEnrolment, startTotp } from './security.js';
import {
  showForgotPassword,
  showResetPassword,
  showVerifyLink,
  submitForgotPassword,
  submitResetPassword,
  submitVerifyLink,
} from './recovery.js';

export type { AccountSpaceDeps } from './context.js';

export function createAccountSpaceRouter(deps: AccountSpaceDeps): Router {
  const router = new Router({ prefix: '/account' });
  const forms = bodyParser({ enableTypes: ['form'], formLimit: deps.config.http.formBodyLimitBytes });
  const signedIn = requireCitizen(deps);

  // Signing in to the account space is an authorization request of our own first-party client.
  router.get('/login', (ctx) => {
    const locale = pageOf(deps, ctx).locale;
    const params = new URLSearchParams({
      client_id: ACCOUNT_SPACE_CLIENT_ID,
      response_type: 'none',
      scope: 'openid',
      ui_locales: locale,
      redirect_uri: `${deps.config.issuer}/account/signed-in`,
      state: randomBytes(12).toString('base64url'),
    });
    ctx.redirect(`/auth?${params.toString()}`);
  });
  router.get('/signed-in', (ctx) => ctx.redirect('/account'));
  router.get('/logout', (ctx) => {
    const params = new URLSearchParams({
      client_id: ACCOUNT_SPACE_CLIENT_ID,
      post_logout_redirect_uri: `${deps.config.issuer}/account/signed-out`,
    });
    ctx.redirect(`/session/end?${params.toString()}`);
  });
  router.get('/signed-out', (ctx) => {
    const page = pageOf(deps, ctx);
    sendPage(
      ctx,
      messagePage(page, page.t('logout.done_title'), page.t('account.signed_out'), {
        href: '/account',
        label: page.t('account.title'),
      }).toString(),
    );
  });

  router.get('/email/verify', (ctx) => showVerifyLink(deps, ctx, 'verify-email'));
  router.post('/email/verify', forms, (ctx) => submitVerifyLink(deps, ctx, 'verify-email'));
  router.get('/email/confirm', (ctx) => showVerifyLink(deps, ctx, 'change-email'));
  router.post('/email/confirm', forms, (ctx) => submitVerifyLink(deps, ctx, 'change-email'));
  router.get('/password/forgot', (ctx) => showForgotPassword(deps, ctx));
  router.post('/password/forgot', forms, (ctx) => submitForgotPassword(deps, ctx));
  router.get('/password/reset', (ctx) => showResetPassword(deps, ctx));
  router.post('/password/reset', forms, (ctx) => submitResetPassword(deps, ctx));
  router.get('/recover', (ctx) => {
    showCounterRecovery(deps, ctx);
  });
  router.post('/recover', forms, (ctx) => submitCounterRecovery(deps, ctx));

  router.get('/', signedIn, (ctx) => showProfile(deps, ctx));
  router.post('/profile', signedIn, forms, (ctx) => saveProfile(deps, ctx));
  router.post('/email/resend', signedIn, forms, (ctx) => resendVerification(deps, ctx));
  router.post('/franceconnect/unlink', signedIn, forms, (ctx) => submitUnlink(deps, ctx, (extra) => showProfile(deps, ctx, extra)));
  router.get('/email', signedIn, (ctx) => showEmail(deps, ctx));
  router.post('/email', signedIn, forms, (ctx) => submitEmail(deps, ctx));
  router.get('/password', signedIn, (ctx) => showPassword(deps, ctx));
  router.post('/password', signedIn, forms, (ctx) => submitPassword(deps, ctx));
  router.get('/security', signedIn, (ctx) => showSecurity(deps, ctx, passkeySectionOf));
  router.post('/security/totp', signedIn, forms, (ctx) => startTotp(deps, ctx));
  router.get('/security/totp', signedIn, (ctx) => showTotpEnrolment(deps, ctx));
  router.post('/security/totp/confirm', signedIn, forms, (ctx) => confirmTotp(deps, ctx, passkeySectionOf));
  router.post('/security/totp/disable', signedIn, forms, (ctx) => disableTotp(deps, ctx, passkeySectionOf));
  router.post('/security/recovery-codes', signedIn, forms, (ctx) => regenerateRecoveryCodes(deps, ctx, passkeySectionOf));
  router.get('/security/passkeys/options', signedIn, (ctx) => showPasskeyOptions(deps, ctx));
  router.post('/security/passkeys', signedIn, forms, (ctx) => submitPasskey(deps, ctx));
  router.post('/security/passkeys/remove', signedIn, forms, (ctx) => submitPasskeyRemoval(deps, ctx));
  router.get('/services', signedIn, (ctx) => showServices(deps, ctx));
  router.post('/services/revoke', signedIn, forms, (ctx) => revokeService(deps, ctx));
  router.get('/sessions', signedIn, (ctx) => showSessions(deps, ctx));
  router.post('/sessions/end', signedIn, forms, (ctx) => endSession(deps, ctx));
  router.post('/sessions/end-all', signedIn, forms, (ctx) => endAllSessions(deps, ctx));
  router.get('/history', signedIn, (ctx) => showHistory(deps, ctx));
  router.get('/journal', signedIn, (ctx) => showJournal(deps, ctx));
  router.get('/export', signedIn, (ctx) => showExport(deps, ctx));
  router.get('/export.json', signedIn, (ctx) => downloadExport(deps, ctx));
  router.get('/delete', signedIn, (ctx) => showDelete(deps, ctx));
  router.post('/delete', signedIn, forms, (ctx) => submitDelete(deps, ctx));
  router.post('/delete/franceconnect', signedIn, forms, (ctx) => startFranceConnectDeletion(deps, ctx));
  router.get('/delete/franceconnect/confirmed', signedIn, (ctx) => finishFranceConnectDeletion(deps, ctx));
  return router;
}
