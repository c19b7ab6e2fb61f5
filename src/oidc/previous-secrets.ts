// A client's previous secret, accepted beside its current one while a rotation's overlap runs.
//
// Trust boundary: the token, introspection and revocation endpoints take a secret from anyone on the
// network; the library authenticates client_secret_basic (lib/shared/client_auth.js) with the client's
// compareClientSecret, against the current secret of the client it loaded from the registry. We widen that
// one check, nothing else: when the current secret does not match, the secret the last rotation replaced
// matches too while the database's clock is before its end (read at every attempt, never cached, so that an
// overlap ended in the database ends on every instance at once). Both comparisons are constant-time over
// digests of equal length; a client without a live previous secret is exactly as the library made it.
import { createHash, timingSafeEqual } from 'node:crypto';
import type Provider from 'oidc-provider';

export type FindPreviousSecret = (clientId: string) => Promise<string | undefined>;

const digestOf = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export function constantTimeEquals(expected: string, actual: string): boolean {
  return timingSafeEqual(digestOf(expected), digestOf(actual));
}

/** Makes the provider's own Client class (one per provider) accept the previous secret during its overlap. */
export function acceptPreviousSecrets(provider: Provider, findPreviousSecret: FindPreviousSecret): void {
  const prototype = provider.Client.prototype;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with each client as `this`, as the library does
  const compareCurrent = prototype.compareClientSecret;
  prototype.compareClientSecret = async function compareClientSecret(this: typeof prototype, actual: string) {
    if (await compareCurrent.call(this, actual)) return true;
    const previous = await findPreviousSecret(this.clientId);
    return previous !== undefined && constantTimeEquals(previous, actual);
  };
}
