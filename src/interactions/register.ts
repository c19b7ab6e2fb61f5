// Creating an account from inside an authorization flow; on success the flow goes on, signed in.
import type { Context } from 'koa';
import { AppError } from '../errors.js';
import { sendPage } from '../http/index.js';
import { registerPage, type PageContext, type RegisterView } from '../views/index.js';
import { loadInteraction, pageFor, requireCsrf, type Interaction, type InteractionDeps } from './context.js';
import { readRegisterForm, type RegisterForm } from './forms.js';

type FieldErrors = RegisterView['fieldErrors'];

function render(deps: InteractionDeps, ctx: Context, interaction: Interaction, page: PageContext, values: Partial<RegisterForm>, fieldErrors: FieldErrors, status = 200) {
  const base = `/interaction/${interaction.uid}`;
  sendPage(ctx, registerPage(page, {
    action: `${base}/register`,
    loginHref: base,
    csrfToken: deps.csrf.token(ctx, `interaction:${interaction.uid}`),
    passwordMinLength: deps.config.passwordPolicy.minLength,
    values: { email: values.email ?? '', givenName: values.givenName ?? '', familyName: values.familyName ?? '' },
    fieldErrors,
  }).toString(), status);
}

export async function showRegister(deps: InteractionDeps, ctx: Context): Promise<void> {
  const interaction = await loadInteraction(deps, ctx);
  render(deps, ctx, interaction, pageFor(deps, ctx, interaction), {}, {});
}

export async function submitRegister(deps: InteractionDeps, ctx: Context): Promise<void> {
  const interaction = await loadInteraction(deps, ctx);
  requireCsrf(deps, ctx, interaction.uid);
  const page = pageFor(deps, ctx, interaction);
  const form = readRegisterForm(ctx.request.body as Record<string, unknown>);
  const vars = { min: deps.config.passwordPolicy.minLength, max: deps.config.passwordPolicy.maxLength };
  const ipKey = `register:ip:${ctx.ip}`;
  if (await deps.rateLimiter.isLimited([{ key: ipKey, limit: deps.config.rateLimits.registrationsPerMinutePerIp }])) {
    render(deps, ctx, interaction, page, form, { email: page.t('errors.rate_limited') }, 429);
    return;
  }
  await deps.rateLimiter.count([ipKey]);
  try {
    const account = await deps.accounts.register({ ...form, locale: page.locale, registeredViaClient: String(interaction.params.client_id) }, { ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined });
    await deps.provider().interactionFinished(ctx.req, ctx.res, { login: { accountId: account.id } }, { mergeWithLastSubmission: false });
    ctx.respond = false;
  } catch (error) {
    if (!(error instanceof AppError) || (error.kind !== 'invalid' && error.kind !== 'conflict')) throw error;
    const field = error.code.startsWith('password') ? 'password' : 'email';
    render(deps, ctx, interaction, page, form, { [field]: page.t(`errors.${error.code}`, vars) }, error.kind === 'conflict' ? 409 : 400);
  }
}
