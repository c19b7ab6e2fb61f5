// The consent step: the commune and what the site asks for; allow records a grant, deny answers access_denied.
import type { Context } from 'koa';
import { sendPage, textField } from '../http/index.js';
import { consentPage } from '../views/index.js';
import { clientSummary, loadInteraction, pageFor, requireCsrf, type Interaction, type InteractionDeps } from './context.js';

interface ConsentDetails {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

export async function showConsent(deps: InteractionDeps, ctx: Context, interaction: Interaction): Promise<void> {
  const details = interaction.prompt.details as ConsentDetails;
  const page = pageFor(deps, ctx, interaction);
  sendPage(
    ctx,
    consentPage(page, {
      ...(await clientSummary(deps, interaction)),
      action: `/interaction/${interaction.uid}/consent`,
      csrfToken: deps.csrf.token(ctx, `interaction:${interaction.uid}`),
      scopes: (details.missingOIDCScope ?? []).filter((scope) => scope !== 'openid' || details.missingOIDCScope?.length === 1),
      claims: details.missingOIDCClaims ?? [],
      resources: Object.entries(details.missingResourceScopes ?? {}).map(([indicator, scopes]) => ({ indicator, scopes })),
      privacyHref: page.face?.privacyHref,
    }).toString(),
  );
}

export async function submitConsent(deps: InteractionDeps, ctx: Context): Promise<void> {
  const interaction = await loadInteraction(deps, ctx);
  const body = requireCsrf(deps, ctx, interaction.uid);
  const provider = deps.provider();
  if (textField(body, 'decision') !== 'allow' || interaction.prompt.name !== 'consent' || !interaction.session) {
    await provider.interactionFinished(
      ctx.req,
      ctx.res,
      {
        error: 'access_denied',
        error_description: 'the citizen denied the request',
      },
      { mergeWithLastSubmission: false },
    );
    ctx.respond = false;
    return;
  }
  const details = interaction.prompt.details as ConsentDetails;
  const existing = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
  if (interaction.grantId && !existing) {
    // The grant this page was adding to was revoked meanwhile (a replayed code, a service revoked in another
    // tab): nothing is added to it. The authorization resumes without this answer, finds no grant, makes a
    // new one from what the citizen allowed before, and asks again for what is still missing.
    await provider.interactionFinished(ctx.req, ctx.res, { consent: {} }, { mergeWithLastSubmission: true });
    ctx.respond = false;
    return;
  }
  const grant =
    existing ?? new provider.Grant({ accountId: interaction.session.accountId, clientId: String(interaction.params.client_id) });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await deps.rememberConsent(
    interaction.session.accountId,
    String(interaction.params.client_id),
    grant.getOIDCScope(),
    grant.getOIDCClaims(),
  );
  await provider.interactionFinished(
    ctx.req,
    ctx.res,
    { consent: interaction.grantId ? {} : { grantId } },
    { mergeWithLastSubmission: true },
  );
  ctx.respond = false;
}
