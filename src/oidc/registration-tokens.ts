// Initial access tokens for dynamic client registration into one commune (glc commune token). The
// library mints the token; its row and its binding to the commune are written in the caller's
// transaction, so that the token, its commune and the audit row of its issuance commit together.
import type Provider from 'oidc-provider';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { withTransaction, type Pool, type PoolClient, type Queryable } from '../db/index.js';
import type { RegistrationTokenBindings } from '../registry/index.js';
import { COMMUNE_POLICY } from './registration.js';

export interface IssuedRegistrationToken {
  token: string;
  expiresAt: Date;
}

export interface RegistrationTokens {
  /** A token registering into `communeSlug` for `ttlSeconds`; joins `db`'s transaction when it is one. */
  issue(db: Pool | PoolClient, communeSlug: string, ttlSeconds: number, createdBy: string): Promise<IssuedRegistrationToken>;
}

/**
 * What the library's token models do beside their typings: `save()` is `generateTokenId()`, then
 * `getValueAndPayload()`, then the adapter's upsert, which we make on the caller's transaction instead.
 */
interface Mintable {
  jti: string;
  generateTokenId(): string;
  getValueAndPayload(): Promise<{ value: string; payload: AdapterPayload }>;
}

export function createRegistrationTokens(deps: {
  provider: () => Provider;
  adapterOver: (db: Queryable) => (model: string) => Adapter;
  registryOver: (db: Queryable) => Pick<RegistrationTokenBindings, 'bindRegistrationToken'>;
}): RegistrationTokens {
  return {
    issue: (db, communeSlug, ttlSeconds, createdBy) =>
      withTransaction(db, async (tx) => {
        const token = new (deps.provider().InitialAccessToken)({
          expiresIn: ttlSeconds,
          policies: [COMMUNE_POLICY],
        }) as unknown as Mintable;
        token.jti = token.generateTokenId();
        const { value, payload } = await token.getValueAndPayload();
        const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
        await deps.registryOver(tx).bindRegistrationToken(token.jti, communeSlug, createdBy, expiresAt);
        await deps.adapterOver(tx)('InitialAccessToken').upsert(token.jti, payload, ttlSeconds);
        return { token: value, expiresAt };
      }),
  };
}
