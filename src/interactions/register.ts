// Creating an account from inside an authorization flow. The answer is the same whether or not the
// address already has an account ("check your mailbox"), so the form tells nobody who has one; the flow
// goes on, signed in, once the link mailed to the new address is followed in the same browser (see
// verify-link.ts). The owner of a taken address gets a mail saying so instead (accounts.signUp).
import type { Context } from 'koa';
import { AppError } from '../errors.js';
import { registrationRules, sendPage, setRetryAfter } from '../http/index.js';
import { messagePage, registerPage, type PageContext, type RegisterView } from '../views/index.js';
import { loadInteraction, pageFor, requireCsrf, type Interaction } from './context.js';
import { franceConnectButtonOf, type FranceConnectDeps } from './franceconnect.js';
import { readRegisterForm, type RegisterForm } from './forms.js';
import { VERIFY_STEP } from './verify-link.js';

type FieldErrors = RegisterView['fieldErrors'];

function render(
  deps: FranceConnectDeps,
  ctx: Context,
  interaction: Interaction,
  page: PageContext,
  values: Partial<RegisterForm>,
  fieldErrors: FieldErrors,
  status = 200,
) {
  const base = `/interaction/${interaction.uid}`;
  sendPage(
    ctx,
    registerPage(page, {
      action: `${base}/register`,
      loginHref: base,
      csrfToken: deps.csrf.token(ctx, `interaction:${interaction.uid}`),
      passwordMinLength: deps.config.passwordPolicy.minLength,
      franceConnect: franceConnectButtonOf(deps, interaction),
      values: { email: values.email ?? '', givenName: values.givenName ?? '', familyName: values.familyName ?? '' },
      fieldErrors,
    }).toString(),
    status,
  );
}

export async function showRegister(deps: FranceConnectDeps, ctx: Context): Promise<void> {
  const interaction = await loadInteraction(deps, ctx);
  render(deps, ctx, interaction, pageFor(deps, ctx, interaction), {}, {});
}

export async function submitRegister(deps: FranceConnectDeps, ctx: Context): Promise<void> {
  const interaction = await loadInteraction(deps, ctx);
  const form = readRegisterForm(requireCsrf(deps, ctx, interaction.uid));
  const page = pageFor(deps, ctx, interaction);
  const vars = { min: deps.config.passwordPolicy.minLength, max: deps.config.passwordPolicy.maxLength };
  // Counted before the work (argon2, a mail), whatever its outcome.
  const attempt = await deps.rateLimiter.attempt(registrationRules(deps.config.rateLimits, ctx.ip));
  if (!attempt.isAdmitted) {
    setRetryAfter(ctx, attempt.retryAfterSeconds);
    render(deps, ctx, interaction, page, form, { email: page.t('errors.rate_limited') }, 429);
    return;
  }
  try {
    await deps.accounts.signUp(
      { ...form, locale: page.locale, registeredViaClient: String(interaction.params.client_id) },
      { linkPath: `/interaction/${interaction.uid}/${VERIFY_STEP}` },
      { ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined },
    );
  } catch (error) {
    if (!(error instanceof AppError) || error.kind !== 'invalid') throw error;
    const field = error.details.field === 'password' ? 'password' : 'email';
    render(deps, ctx, interaction, page, form, { [field]: page.t(`errors.${error.code}`, vars) }, 400);
    return;
  }
  const text = `${page.t('register.check_mail', { email: form.email })} ${page.t('register.check_mail_help')}`;
  sendPage(
    ctx,
    messagePage(page, page.t('register.check_mail_title'), text, {
      href: `/interaction/${interaction.uid}`,
      label: page.t('register.have_account'),
    }).toString(),
  );
}
