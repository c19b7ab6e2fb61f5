// The provider as the rest of the app sees it: built from the current keys, rebuilt when they change
// (rotation, activation of a published key), on every instance.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { Accounts } from '../accounts/index.js';
import type { Config } from '../config.js';
import type { Queryable } from '../db/index.js';
import type { Logger } from '../log.js';
import type { Registry } from '../registry/index.js';
import type { Sealer } from '../sealing.js';
import { findLatestGrantId } from './payload-repository.js';
import { deferringQueryable, flushPageWrites, inRequestScope } from './request-scope.js';
import { recordSessionActivity } from './session-activity-repository.js';
import { createCitizenSessions, type CitizenSessions } from './citizen-sessions.js';
import { createCommunePolicy } from './registration.js';
import { createRegistrationTokens, type RegistrationTokens } from './registration-tokens.js';
import type { OidcStorage } from './storage.js';
import { findConsent, upsertConsent } from './consent-repository.js';
import { countSignIns, logProviderEvents } from './events.js';
import { createFindAccount } from './find-account.js';
import { loadKeyMaterial } from './keys.js';
import { createProvider, OWN_CLIENT_IDS } from './provider.js';
import { redeemConsoleCode, type ConsoleSignIn } from './console-code.js';
import type { ProviderPages } from './rendering.js';

export { createClientSchema, type ClientSchema } from './client-schema.js';
export { createOidcStorage, type OidcStorage } from './storage.js';
export { openClientRegistry, type ClientRegistry } from './client-registry.js';
export { deferPageWrites, deferringQueryable, flushPageWrites, forgetSignInStep, scopedSignInStep } from './request-scope.js';
export { createRegistrationTokens, type IssuedRegistrationToken, type RegistrationTokens } from './registration-tokens.js';

export {
  ensureKeys,
  rotateKeys,
  retireKey,
  listPublicKeys,
  loadKeyMaterial,
  KEY_CHANGES_CHANNEL,
  type Retirement,
  type Rotation,
} from './keys.js';
export { sweepExpiredRows } from './cleanup.js';
export { communeSectorUri, SECTOR_DOCUMENT_ROUTE, sectorDocuments } from './sector.js';
export type { ProviderPages } from './rendering.js';
export type { ProviderForm, UserCodeForm } from './provider-forms.js';
export type { CitizenSession, CitizenSessions, ConnectedService } from './citizen-sessions.js';
export { ACCOUNT_SPACE_CLIENT_ID, ADMIN_SCOPE, adminAudience, CONSOLE_CLIENT_ID } from './provider.js';
export type { ConsoleSignIn } from './console-code.js';
export { ACR_INSUFFICIENT, requiredAcr } from './assurance-policy.js';
export { SELECT_ACCOUNT } from './select-account-prompt.js';
export { PROVIDER_COOKIES, SESSION_COOKIE } from './cookies.js';
export { findApiToken, type ApiToken } from './api-tokens.js';
export { isProtocolPath, providerRouteTemplates } from './routes.js';

export interface OidcDeps {
  db: Queryable;
  sealer: Sealer;
  config: Config;
  log: Logger;
  accounts: Pick<Accounts, 'findById' | 'recordSharing' | 'legacyIdOf' | 'franceConnect'>;
  registry: Registry;
  /** The library's storage (oidc/storage.ts), shared with the client schema's provider. */
  storage: OidcStorage;
  pages: ProviderPages;
}

export interface Oidc {
  provider: () => Provider;
  /** The cookie keys, newest first: the newest is also the key of our own CSRF tokens. */
  cookieKeys(): [string, ...string[]];
  /** The citizen's sessions and connected services (the account space). */
  citizen: CitizenSessions;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Runs a request of the interaction pages reading each row at most once (request-scope.ts); its writes go at once unless it defers them. */
  inPageScope: <T>(run: () => Promise<T>) => Promise<T>;
  /** Remembers what a citizen allowed a client, so that consent is asked once per client. */
  rememberConsent: (accountId: string, clientId: string, scope: string, claims: string[]) => Promise<void>;
  /** Initial access tokens for dynamic registration, minted by the serving provider. */
  registrationTokens: RegistrationTokens;
  /** The sign-in behind an authorization code of the operators' console (spent by this call), if it is good. */
  redeemConsoleCode(code: { code: string; verifier: string; redirectUri: string }): Promise<ConsoleSignIn | undefined>;
  /** Rebuilds the provider if the published keys or the signing order changed. */
  reloadKeysIfChanged(): Promise<boolean>;
  stop(): void;
}

export async function createOidc(deps: OidcDeps): Promise<Oidc> {
  const { db, sealer, config, log } = deps;
  const adapter = deps.storage.adapterOver(db);
  const registrationPolicy = createCommunePolicy(deps.registry, config.issuer, config.outboundAllowList);
  const findAccount = createFindAccount(deps.accounts, log);
  const consentMemory = {
    findLatestGrantId: (accountId: string, clientId: string) => findLatestGrantId(db, accountId, clientId),
    findConsent: (accountId: string, clientId: string) => findConsent(db, accountId, clientId),
  };

  const build = async () => {
    const keys = await loadKeyMaterial(db, sealer);
    const provider = createProvider({
      config,
      keys,
      adapter,
      findAccount,
      pages: deps.pages,
      consentMemory,
      registrationPolicy,
      findPreviousSecret: (clientId) => deps.registry.findLivePreviousSecret(clientId),
      onSessionSeen: (activity) =>
        recordSessionActivity(deferringQueryable('SessionActivity') ?? db, activity).catch((error: unknown) =>
          log.warn({ event: 'session_activity.write_failed', err: error }, 'session_activity.write_failed'),
        ),
    });
    logProviderEvents(provider, log);
    countSignIns(provider, db, log, OWN_CLIENT_IDS);
    return { provider, handler: provider.callback(), fingerprint: keys.fingerprint, cookieKeys: keys.cookieKeys };
  };

  let current = await build();
  const reloadKeysIfChanged = async () => {
    const next = await loadKeyMaterial(db, sealer);
    if (next.fingerprint === current.fingerprint) return false;
    current = await build();
    log.info({ event: 'keys.reloaded' }, 'keys.reloaded');
    return true;
  };
  const timer = setInterval(() => {
    reloadKeysIfChanged().catch((error: unknown) => log.warn({ event: 'keys.reload_failed', err: error }, 'keys.reload_failed'));
  }, config.keys.reloadIntervalSeconds * 1000);
  timer.unref();

  return {
    provider: () => current.provider,
    cookieKeys: () => current.cookieKeys,
    citizen: createCitizenSessions({ db, provider: () => current.provider, adapter, log }),
    // Each request to the provider reads a row at most once (request-scope.ts).
    handle: (req, res) => inRequestScope(db, () => current.handler(req, res)),
    // A page that deferred its writes (deferPageWrites) sends them before it answers; what is left goes here.
    inPageScope: (run) =>
      inRequestScope(
        db,
        async () => {
          const result = await run();
          await flushPageWrites();
          return result;
        },
        { defersWrites: false },
      ),
    registrationTokens: createRegistrationTokens({
      provider: () => current.provider,
      adapterOver: deps.storage.adapterOver,
      registryOver: deps.storage.registryOver,
    }),
    reloadKeysIfChanged,
    redeemConsoleCode: (code) => redeemConsoleCode(current.provider, code),
    rememberConsent: (accountId, clientId, scope, claims) =>
      upsertConsent(db, accountId, clientId, scope.split(' ').filter(Boolean), claims),
    stop: () => clearInterval(timer),
  };
}
