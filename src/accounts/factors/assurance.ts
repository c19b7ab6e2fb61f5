// The assurance levels, in one place: what discovery advertises, what an ID token's acr and amr say, and
// whether a sign-in is strong enough for what a client asked. Two factors means two different kinds of
// proof (something known, something held, the person verified by their device); a passkey that verified its
// user is two on its own. A recovery code is a one-time code: it counts as the held factor, like TOTP.
// A FranceConnect sign-in (federation/) is the citizen's sign-in at their identity provider there: at eidas1,
// FranceConnect's own level, one factor (of the known kind, as a password there is); at eidas2 or eidas3
// (FranceConnect+, which requires two) both. Its amr value is our own, `fc` (RFC 8176 has none for a federation).

export const ACR_1FA = 'urn:grandlyonconnect:acr:1fa';
export const ACR_2FA = 'urn:grandlyonconnect:acr:2fa';
export const ACR_VALUES = [ACR_1FA, ACR_2FA] as const;

/** The authentication method reference values this provider emits: RFC 8176's, and our `fc`. */
export type AuthMethod = 'pwd' | 'fc' | 'otp' | 'hwk' | 'swk' | 'user' | 'mfa';

/** What a sign-in proved, one entry per proof. */
export type Proof =
  | 'password'
  | 'totp'
  | 'recovery-code'
  | { passkey: { userVerified: boolean; hardwareBound: boolean } }
  | { franceconnect: { eidas: 1 | 2 | 3 } };

const LEVELS: ReadonlyMap<string, number> = new Map([
  [ACR_1FA, 1],
  [ACR_2FA, 2],
]);
// amr lists methods in this order whatever the order of the proofs, so equal sign-ins give equal tokens.
const AMR_ORDER: readonly AuthMethod[] = ['pwd', 'fc', 'otp', 'hwk', 'swk', 'user', 'mfa'];

type FactorKind = 'known' | 'held' | 'verified';

function methodsOf(proof: Proof): { amr: AuthMethod[]; kinds: FactorKind[] } {
  if (proof === 'password') return { amr: ['pwd'], kinds: ['known'] };
  if (proof === 'totp' || proof === 'recovery-code') return { amr: ['otp'], kinds: ['held'] };
  if ('franceconnect' in proof) return { amr: ['fc'], kinds: proof.franceconnect.eidas >= 2 ? ['known', 'held'] : ['known'] };
  const { userVerified, hardwareBound } = proof.passkey;
  const key: AuthMethod = hardwareBound ? 'hwk' : 'swk';
  return userVerified ? { amr: [key, 'user'], kinds: ['held', 'verified'] } : { amr: [key], kinds: ['held'] };
}

/** The acr and amr a sign-in earned. A sign-in proves something: an empty list is a caller's bug. */
export function assuranceOf(proofs: Proof[]): { acr: string; amr: AuthMethod[] } {
  if (proofs.length === 0) throw new Error('assuranceOf: a sign-in without any proof has no assurance');
  const amr = new Set<AuthMethod>();
  const kinds = new Set<FactorKind>();
  for (const proof of proofs) {
    const methods = methodsOf(proof);
    methods.amr.forEach((method) => amr.add(method));
    methods.kinds.forEach((kind) => kinds.add(kind));
  }
  const isMultiFactor = kinds.size >= 2;
  if (isMultiFactor) amr.add('mfa');
  return { acr: isMultiFactor ? ACR_2FA : ACR_1FA, amr: AMR_ORDER.filter((method) => amr.has(method)) };
}

/** 1 or 2 for a level this provider knows, undefined for anything else. */
export function levelOf(acr: string | undefined): number | undefined {
  return acr === undefined ? undefined : LEVELS.get(acr);
}

/** Whether an achieved level meets a required one. Nothing satisfies an unknown requirement. */
export function satisfies(achieved: string | undefined, required: string): boolean {
  const requiredLevel = levelOf(required);
  const achievedLevel = levelOf(achieved);
  return requiredLevel !== undefined && achievedLevel !== undefined && achievedLevel >= requiredLevel;
}

/** The highest known level among requested acr_values (unknown ones are passed over), or undefined. */
export function strongest(values: string[]): string | undefined {
  let best: string | undefined;
  for (const value of values) {
    const level = levelOf(value);
    if (level !== undefined && (best === undefined || level > (levelOf(best) ?? 0))) best = value;
  }
  return best;
}
