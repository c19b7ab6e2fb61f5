// The pure rules of passkeys: which relying party we are (the ISSUER's host and origin, never a request's
// Host), what a browser's answer must look like before a library reads it, what a name may be, and
// whether a credential is bound to one piece of hardware.
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';

export interface RelyingParty {
  /** The WebAuthn RP ID: the issuer's host, without port. */
  rpId: string;
  /** The only origin a ceremony may come from: the issuer's. */
  origin: string;
}

export function relyingPartyOf(issuer: string): RelyingParty {
  const url = new URL(issuer);
  return { rpId: url.hostname, origin: url.origin };
}

export const PASSKEY_NAME_MAX_LENGTH = 100;
/** The passkeys table bounds credential_id at 1400 characters; the spec's 1023 bytes are 1364 in base64url. */
const CREDENTIAL_ID_MAX_LENGTH = 1400;
/** Every base64url part of an answer; a real attestation or assertion is a few kilobytes at most. */
const PART_MAX_LENGTH = 12_000;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** A name to show in the list: trimmed, 1 to 100 characters, no control characters; else undefined. */
export function passkeyName(raw: string): string | undefined {
  const name = raw.trim();

  if (name.length === 0 || name.length > PASSKEY_NAME_MAX_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) return undefined;
  return name;
}

/**
 * hwk or swk (RFC 8176): a credential that cannot leave its authenticator (WebAuthn's 'singleDevice', not
 * backed up) is a hardware key; one that is synced or backed up (a password manager, a cloud keychain) lives
 * in software that copies it, so it is a software key, whatever device signed this time.
 */
export function isHardwareBound(credentialDeviceType: 'singleDevice' | 'multiDevice', isBackedUp: boolean): boolean {
  return credentialDeviceType === 'singleDevice' && !isBackedUp;
}

/** The user handle of an account's credentials: the account id's bytes (our ids are opaque random uuids). */
export function userHandleOf(accountId: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(accountId);
}

export function userHandleMatches(userHandle: string | undefined, accountId: string): boolean {
  return userHandle === undefined || userHandle === Buffer.from(accountId, 'utf8').toString('base64url');
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isPart = (value: unknown, max = PART_MAX_LENGTH): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= max && BASE64URL.test(value);

function parsedObject(text: string): Json | undefined {
  if (text.length > 4 * PART_MAX_LENGTH) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function hasCredentialShape(value: Json): value is Json & { id: string; rawId: string; response: Json } {
  return (
    isPart(value.id, CREDENTIAL_ID_MAX_LENGTH) &&
    value.rawId === value.id &&
    value.type === 'public-key' &&
    isObject(value.response) &&
    isPart(value.response.clientDataJSON)
  );
}

/** A browser's registration answer as JSON text, or undefined when it is not shaped like one. */
export function registrationResponseOf(text: string): RegistrationResponseJSON | undefined {
  const value = parsedObject(text);
  if (!value || !hasCredentialShape(value) || !isPart(value.response.attestationObject)) return undefined;
  const transports = value.response.transports;
  if (
    transports !== undefined &&
    !(Array.isArray(transports) && transports.length <= 10 && transports.every((t) => typeof t === 'string' && t.length <= 20))
  )
    return undefined;
  return value as unknown as RegistrationResponseJSON;
}

/** A browser's sign-in answer as JSON text, or undefined when it is not shaped like one. */
export function authenticationResponseOf(text: string): AuthenticationResponseJSON | undefined {
  const value = parsedObject(text);
  if (!value || !hasCredentialShape(value)) return undefined;
  const { authenticatorData, signature, userHandle } = value.response;
  if (!isPart(authenticatorData) || !isPart(signature)) return undefined;
  if (userHandle !== undefined && userHandle !== null && !isPart(userHandle, 200)) return undefined;
  return value as unknown as AuthenticationResponseJSON;
}
