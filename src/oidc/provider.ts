// Assembles oidc-provider from small parts: storage, accounts, registry, keys, pages. The protocol is
// the library's; this file only says which of its features we use and with which of our pieces.
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { errors, type Configuration, type KoaContextWithOIDC, type Adapter, type FindAccount } from 'oidc-provider';
import type { Config } from '../config.js';
import { LOCALES } from '../locale.js';
import { ACR_2FA, CERTIFIED_IDENTITY_METADATA, satisfies } from '../accounts/index.js';
import { assurancePolicy } from './assurance-policy.js';
import { promptValuesSupported, withAccountChoice } from './select-account-prompt.js';
import { isOperatorTool } from './client-marks.js';
import { createLoadExistingGrant, type ConsentMemory } from './grants.js';
import type { KeyMaterial } from './keys.js';
import { PROVIDER_COOKIES } from './cookies.js';
import { createPairwiseIdentifier } from './pairwise.js';
import { clientSchemaConfiguration, withClientFeatures } from './client-schema.js';
import { COMMUNE_POLICY } from './registration.js';
import { createRenderingHooks, providerClass, type ProviderPages, type RenderingHooks } from './rendering.js';
import { acceptPreviousSecrets, type FindPreviousSecret } from './previous-secrets.js';
import { setRequestOrigin, wasSessionSeen } from './request-scope.js';
import { writeBeforeAnswering } from './request-writes.js';
import { clientResourceServer } from './jwt-access-tokens.js';

export interface ProviderDeps {
  config: Pick<Config, 'issuer' | 'ttlSeconds' | 'outboundAllowList'>;
  keys: KeyMaterial;
  adapter: (model: string) => Adapter;
  findAccount: FindAccount;
  consentMemory: ConsentMemory;
  pages: ProviderPages;
  /** Called when a signed-in browser goes through authorization: the account space lists sessions with it. */
  /** The policy bound to every initial access token: registration into its commune (oidc/registration.ts). */
  registrationPolicy: (ctx: KoaContextWithOIDC, properties: Record<string, unknown>) => Promise<void>;
  onSessionSeen: (activity: { uid: string; accountId: string; userAgent?: string; ip?: string }) => Promise<void>;
  /** A client's previous secret while a rotation's overlap runs (the registry): accepted beside the current one. */
  findPreviousSecret: FindPreviousSecret;
}

/** The operators' API as a resource server: tokens for it are asked with resource=<this> and scope admin. */
export const adminAudience = (issuer: string) => `${issuer}/admin/api/v1`;
export const ADMIN_SCOPE = 'admin';

/** Our own account space signs citizens in through the provider like any site, as a first-party client. */
export const ACCOUNT_SPACE_CLIENT_ID = 'grandlyonconnect-account';

function accountSpaceClient(issuer: string) {
  return {
    client_id: ACCOUNT_SPACE_CLIENT_ID,
    client_name: 'GrandLyonConnect',
    token_endpoint_auth_method: 'none',
    response_types: ['none'],
    grant_types: [],
    redirect_uris: [`${issuer}/account/signed-in`],
    post_logout_redirect_uris: [`${issuer}/account/signed-out`],
    subject_type: 'public',
    scope: 'openid',
    commune: 'metropole',
    commune_name: 'Métropole de Lyon',
    first_party: true,
    operator_tool: false,
  };
}

/**
 * The operators' console signs operators in like any site: a public client with the code flow and PKCE, its
 * code redeemed in this process (oidc/console-code.ts). Two factors always (its registered minimum); it is
 * no operator tool, so it is never given the operators' API's tokens: the console acts through its own session.
 */
export const CONSOLE_CLIENT_ID = 'grandlyonconnect-console';

function consoleClient(issuer: string) {
  return {
    client_id: CONSOLE_CLIENT_ID,
    client_name: 'Console GrandLyonConnect',
    token_endpoint_auth_method: 'none',
    response_types: ['code'],
    grant_types: ['authorization_code'],
    redirect_uris: [`${issuer}/admin/signed-in`],
    post_logout_redirect_uris: [`${issuer}/admin/signed-out`],
    subject_type: 'public',
    scope: 'openid',
    default_acr_values: [ACR_2FA],
    commune: 'metropole',
    commune_name: 'Métropole de Lyon',
    first_party: true,
    operator_tool: false,
  };
}

/** The clients of GrandLyonConnect itself (not in the registry, never counted as a commune's use). */
export const OWN_CLIENT_IDS = [ACCOUNT_SPACE_CLIENT_ID, CONSOLE_CLIENT_ID] as const;

function ttl(config: ProviderDeps['config']): Configuration['ttl'] {
  const t = config.ttlSeconds;
  return {
    AccessToken: t.accessToken,
    AuthorizationCode: t.authorizationCode,
    ClientCredentials: t.clientCredentials,
    DeviceCode: t.deviceCode,
    IdToken: t.idToken,
    Interaction: t.interaction,
    // A visitor not signed in is kept only while the form given to them (logout, device code) may be posted.
    Session: (_ctx, session) => (session.accountId ? t.session : t.interaction),
    Grant: t.grant,
    RefreshToken(ctx: KoaContextWithOIDC | undefined, token, client) {
      // A rotated public-client refresh token keeps the lifetime of the chain it belongs to.
      const rotated = ctx?.oidc.entities.RotatedRefreshToken;
      if (rotated && client.clientAuthMethod === 'none') return rotated.remainingTTL;
      return t.refreshToken;
    },
  };
}

function features(
  rendering: RenderingHooks,
  issuer: string,
  registrationPolicy: ProviderDeps['registrationPolicy'],
  ttlSeconds: ProviderDeps['config']['ttlSeconds'],
): Configuration['features'] {
  return {
    registration: {
      enabled: true,
      initialAccessToken: true,
      issueRegistrationAccessToken: true,
      policies: { [COMMUNE_POLICY]: registrationPolicy },
    },
    registrationManagement: { enabled: true, rotateRegistrationAccessToken: true },
    // Resource servers besides userinfo: the operators' API, with short-lived opaque tokens, for operator
    // tools only. Any other client (a commune site an operator signs in to) is refused here, at
    // authorization, token and refresh alike, so that it can never act as that operator. Then the APIs the
    // registry let a client name, for its client-credentials tokens only (oidc/jwt-access-tokens.ts).
    resourceIndicators: {
      enabled: true,
      getResourceServerInfo: (ctx, resourceIndicator, client) => {
        if (resourceIndicator === adminAudience(issuer) && isOperatorTool(client)) {
          // A person's token for the API comes only from a two-factor sign-in (the login prompt asks it of
          // operator tools); checked again where a code, refresh token or device code turns into a token.
          const { AuthorizationCode, RefreshToken, DeviceCode } = ctx.oidc.entities;
          const grant = AuthorizationCode ?? RefreshToken ?? DeviceCode;
          if (grant?.accountId && !satisfies(grant.acr, ACR_2FA)) {
            throw new errors.InvalidGrant('the operators’ API needs a two-factor sign-in');
          }
          return {
            scope: ADMIN_SCOPE,
            audience: adminAudience(issuer),
            accessTokenTTL: ttlSeconds.operatorApiAccessToken,
            accessTokenFormat: 'opaque',
          };
        }
        const api =
          resourceIndicator === adminAudience(issuer)
            ? undefined
            : clientResourceServer(ctx, resourceIndicator, client, ttlSeconds.clientCredentials);
        if (api) return api;
        throw new errors.InvalidTarget();
      },
    },
    devInteractions: { enabled: false },
    claimsParameter: { enabled: true },
    // A site may introspect and revoke only the tokens issued to it.
    introspection: { allowedPolicy: (ctx, client, token) => token.clientId === client.clientId },
    revocation: { allowedPolicy: (ctx, client, token) => token.clientId === client.clientId },
    deviceFlow: rendering.deviceFlow,
    rpInitiatedLogout: rendering.rpInitiatedLogout,
  };
}

export function createProvider(deps: ProviderDeps): Provider {
  const { config, keys } = deps;
  const rendering = createRenderingHooks(deps.pages);
  const policy = withAccountChoice(assurancePolicy());
  const configuration: Configuration = {
    adapter: deps.adapter,
    clients: [accountSpaceClient(config.issuer), consoleClient(config.issuer)] as Configuration['clients'],
    findAccount: deps.findAccount,
    jwks: { keys: keys.jwks },
    cookies: {
      keys: keys.cookieKeys,
      names: { ...PROVIDER_COOKIES },
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    ...clientSchemaConfiguration(config),
    pairwiseIdentifier: createPairwiseIdentifier(keys.pairwiseSalt),
    features: withClientFeatures(features(rendering, config.issuer, deps.registrationPolicy, config.ttlSeconds)),
    ttl: ttl(config),
    rotateRefreshToken: true,
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    loadExistingGrant: createLoadExistingGrant(deps.consentMemory),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}`, policy },
    renderError: rendering.renderError,
    discovery: {
      ui_locales_supported: [...LOCALES],
      prompt_values_supported: promptValuesSupported(policy),
      claims_locales_supported: [...LOCALES],
      service_documentation: `${config.issuer}/`,
      // The scope identite_pivot releases verified_claims: what it may hold, and under which trust framework.
      ...CERTIFIED_IDENTITY_METADATA,
    },
    conformIdTokenClaims: true,
  };
  const provider = new (providerClass(rendering.formPost))(config.issuer, configuration);
  acceptPreviousSecrets(provider, deps.findPreviousSecret);
  // A path the library does not serve has no oidc context.
  provider.use(async (ctx: Context & Partial<Pick<KoaContextWithOIDC, 'oidc'>>, next) => {
    setRequestOrigin({ userAgent: ctx.get('user-agent') || undefined, ip: ctx.ip });
    await next();
    rendering.afterAnswer(ctx);
    await rendering.afterUpstream(ctx);
    const session = ctx.oidc?.session;
    const route = ctx.oidc?.route;
    // A session the library saved in this request was recorded as seen with it (adapter.ts).
    if (session?.accountId && (route === 'authorization' || route === 'resume') && !wasSessionSeen(session.uid)) {
      await deps.onSessionSeen({ uid: session.uid, accountId: session.accountId, userAgent: ctx.get('user-agent'), ip: ctx.ip });
    }
    await writeBeforeAnswering(ctx, rendering);
  });
  // The app rewrites forwarded headers from ISSUER before the provider sees a request (http/canonical-origin).
  provider.proxy = true;
  return provider;
}
