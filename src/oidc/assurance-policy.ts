// Which level a sign-in must reach, read in one place for the provider's login check and for the pages
// that ask for the factors: the strongest of the request's acr_values, the claims parameter's essential acr
// and the client's registered minimum (its default_acr_values, a floor that a request cannot lower: the
// authorization URL is in the citizen's hands). An operator tool always needs two factors: what it gets is
// the operators' API. Levels are ordered, so a two-factor session meets a one-factor request, which the
// library's own acr checks (equality) would not.
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { ACR_1FA, ACR_2FA, satisfies, strongest } from '../accounts/index.js';
import { isOperatorTool } from './client-marks.js';

export const ACR_INSUFFICIENT = 'acr_insufficient';
const ACCOUNT_GONE = 'account_gone';

export interface AssuranceRequest {
  acrValues?: unknown;
  /** The claims parameter, parsed or as sent. */
  claims?: unknown;
}

function essentialAcrs(claims: unknown): string[] {
  let parsed: unknown = claims;
  if (typeof claims === 'string') {
    try {
      parsed = JSON.parse(claims);
    } catch {
      return [];
    }
  }
  const acr = (parsed as { id_token?: { acr?: { essential?: unknown; value?: unknown; values?: unknown } } } | undefined)?.id_token?.acr;
  if (acr?.essential !== true) return [];
  const values = Array.isArray(acr.values) ? acr.values : [acr.value];
  return values.filter((value): value is string => typeof value === 'string');
}

/** The level the sign-in of this request for this client must reach. */
export function requiredAcr(request: AssuranceRequest, client: unknown): string {
  const floor = (client as { defaultAcrValues?: unknown; default_acr_values?: unknown } | undefined) ?? {};
  const defaults = floor.defaultAcrValues ?? floor.default_acr_values;
  const asked = [
    ...(typeof request.acrValues === 'string' ? request.acrValues.split(' ') : []),
    ...essentialAcrs(request.claims),
    ...(Array.isArray(defaults) ? defaults.filter((value): value is string => typeof value === 'string') : []),
    ...(isOperatorTool(client) ? [ACR_2FA] : []),
  ];
  return strongest(asked) ?? ACR_1FA;
}

/** The library's login prompt with its equality acr checks replaced by the ordered one. */
export function assurancePolicy(): ReturnType<typeof interactionPolicy.base> {
  const policy = interactionPolicy.base();
  const login = policy.get('login');
  if (!login) throw new Error('assurancePolicy: the library has no login prompt');
  // A session whose account the provider no longer finds (locked since, or deleted) signs nobody in: the login page.
  login.checks.add(
    new interactionPolicy.Check(ACCOUNT_GONE, 'the session account cannot sign in', 'login_required', (ctx: KoaContextWithOIDC) =>
      ctx.oidc.session?.accountId && !ctx.oidc.account ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT,
    ),
    0,
  );
  login.checks.remove('essential_acrs');
  login.checks.remove('essential_acr');
  login.checks.add(
    new interactionPolicy.Check(ACR_INSUFFICIENT, 'a stronger sign-in is required', 'login_required', (ctx: KoaContextWithOIDC) => {
      const { oidc } = ctx;
      const required = requiredAcr({ acrValues: oidc.params?.acr_values, claims: oidc.claims }, oidc.client);
      return satisfies(oidc.acr, required) ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT;
    }),
  );
  return policy;
}
