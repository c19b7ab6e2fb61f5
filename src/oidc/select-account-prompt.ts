// prompt=select_account (OIDC Core 3.1.2.1) for a provider where a browser holds one account: with a
// session, the citizen chooses between going on as that account and signing in as another
// (interactions/select-account.ts); without one, there is nothing to choose and the login prompt asks.
// Being a requestable prompt of the policy is what makes the library accept the value; discovery's
// prompt_values_supported is read from the same policy. prompt=none beside it stays the library's invalid_request.
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';

export const SELECT_ACCOUNT = 'select_account';

/**
 * Asked when the request says select_account, the answer is not in yet, a session exists, this very flow did
 * not just sign someone in (after "use another account", the new sign-in is the choice made), and the site did
 * not name the account with an id_token_hint. The library checks that hint against the session only on the
 * authorization request itself, never on a resume: a choice answered first would resume past that check and
 * "continue" as an account the hint does not name. With a hint, its own check decides (the login page when
 * the session is another account's).
 */
function accountChoicePending(ctx: KoaContextWithOIDC): boolean {
  const { oidc } = ctx;
  if (!oidc.prompts.has(SELECT_ACCOUNT) || !oidc.promptPending(SELECT_ACCOUNT)) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
  if (!oidc.session?.accountId || oidc.result?.login) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
  if (oidc.params?.id_token_hint !== undefined) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
  return interactionPolicy.Check.REQUEST_PROMPT;
}

/** `policy` with the select_account prompt first: the choice comes before any other step of the flow. */
export function withAccountChoice(policy: interactionPolicy.DefaultPolicy): interactionPolicy.DefaultPolicy {
  const prompt = new interactionPolicy.Prompt({ name: SELECT_ACCOUNT, requestable: true });
  // The library's own check asks whenever the value is there, even with no session to choose from.
  prompt.checks.clear();
  prompt.checks.add(
    new interactionPolicy.Check(
      `${SELECT_ACCOUNT}_prompt`,
      'the End-User is asked which account to use',
      'account_selection_required',
      accountChoicePending,
    ),
  );
  policy.add(prompt, 0);
  return policy;
}

/** Discovery's prompt_values_supported, which the library does not publish itself: none and every requestable prompt. */
export function promptValuesSupported(policy: interactionPolicy.DefaultPolicy): string[] {
  return ['none', ...policy.filter((prompt) => prompt.requestable).map((prompt) => prompt.name)];
}
