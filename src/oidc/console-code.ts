// The console redeems its authorization code in this process, with the checks of the token endpoint: the
// code exists, is the console's, is neither used nor expired, was issued for this redirect URI and this
// PKCE verifier; then it is spent. What comes out is who signed in and how strongly (acr), nothing else:
// no token is minted, the console keeps its own session.
import { createHash, timingSafeEqual } from 'node:crypto';
import type Provider from 'oidc-provider';
import { CONSOLE_CLIENT_ID } from './provider.js';

export interface ConsoleSignIn {
  accountId: string;
  acr: string | undefined;
}

const sameText = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/** The sign-in behind a console code, or undefined for any code the token endpoint would refuse (invalid_grant). */
export async function redeemConsoleCode(
  provider: Provider,
  { code, verifier, redirectUri }: { code: string; verifier: string; redirectUri: string },
): Promise<ConsoleSignIn | undefined> {
  const found = await provider.AuthorizationCode.find(code).catch(() => undefined);
  if (!found || found.clientId !== CONSOLE_CLIENT_ID || !found.isValid || !found.accountId) return undefined;
  if (found.redirectUri !== redirectUri || found.codeChallengeMethod !== 'S256' || !found.codeChallenge) return undefined;
  if (!sameText(createHash('sha256').update(verifier).digest('base64url'), found.codeChallenge)) return undefined;
  await found.consume();
  return { accountId: found.accountId, acr: found.acr };
}
