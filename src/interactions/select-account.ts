// The account choice (prompt=select_account, oidc/select-account-prompt.ts): go on as the account this browser
// is signed in with, or use another. "Another" ends the GrandLyonConnect session the way the provider's logout
// does (back-channel logout to its sites) and starts the same authorization request again, now without a
// session: its login page. Both answers are forms posted with the interaction's CSRF token, to the
// interaction the browser's cookie names: a cross-site post cannot sign anyone out, nor a token of one
// interaction answer another.
import type { Context } from 'koa';
import { sendPage, textField } from '../http/index.js';
import { SELECT_ACCOUNT } from '../oidc/index.js';
import { selectAccountPage } from '../views/index.js';
import { clientSummary, loadInteraction, pageFor, requireCsrf, type Interaction } from './context.js';
import type { FranceConnectDeps } from './franceconnect.js';

export interface SelectAccountDeps extends FranceConnectDeps {
  /** Signs one session of the account out as the provider's logout does; false when it is not the account's. */
  endSession(accountId: string, sessionUid: string): Promise<boolean>;
}

export async function showSelectAccount(deps: SelectAccountDeps, ctx: Context, interaction: Interaction): Promise<void> {
  const account = interaction.session ? await deps.accounts.findById(interaction.session.accountId) : undefined;
  if (!account) {
    // The account went away since the session opened (deleted): nothing to continue as.
    await startAgainWithoutSession(deps, ctx, interaction);
    return;
  }
  sendPage(
    ctx,
    selectAccountPage(pageFor(deps, ctx, interaction), {
      action: `/interaction/${interaction.uid}/select-account`,
      csrfToken: deps.csrf.token(ctx, `interaction:${interaction.uid}`),
      clientName: (await clientSummary(deps, interaction)).clientName,
      email: account.email,
    }).toString(),
  );
}

export async function submitSelectAccount(deps: SelectAccountDeps, ctx: Context): Promise<void> {
  const interaction = await loadInteraction(deps, ctx);
  const decision = textField(requireCsrf(deps, ctx, interaction.uid), 'decision');
  if (interaction.prompt.name !== SELECT_ACCOUNT || !interaction.session) {
    // A stale form (the flow moved on): the step the interaction is at now.
    ctx.status = 303;
    ctx.redirect(`/interaction/${interaction.uid}`);
    return;
  }
  if (decision === 'continue') {
    await deps.provider().interactionFinished(ctx.req, ctx.res, { [SELECT_ACCOUNT]: {} }, { mergeWithLastSubmission: true });
    ctx.respond = false;
  } else if (decision === 'switch') {
    await startAgainWithoutSession(deps, ctx, interaction);
  } else {
    ctx.status = 303;
    ctx.redirect(`/interaction/${interaction.uid}`);
  }
}

/**
 * Ends the interaction's session and sends the browser to the authorization request it was made for, as a
 * GET with the parameters the library validated: without a session, the login prompt asks. A session opened
 * through FranceConnect is ended there first, as a logout does, or its button would sign the same person in.
 */
async function startAgainWithoutSession(deps: SelectAccountDeps, ctx: Context, interaction: Interaction): Promise<void> {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(interaction.params)) {
    if (typeof value === 'string') parameters.set(name, value);
  }
  const again = `${deps.provider().pathFor('authorization')}?${parameters.toString()}`;
  const { session } = interaction;
  let detour: string | undefined;
  if (session) {
    const ended = await deps.endSession(session.accountId, session.uid);
    ctx.state.log.info({ event: 'session.ended_for_account_choice', ended }, 'session.ended_for_account_choice');
    detour = await deps.franceConnect?.upstreamSessions.logoutDetour(session.uid, again);
  }
  await interaction.destroy();
  ctx.status = 303;
  ctx.redirect(detour ?? again);
}
