// The authenticator-app factor: RFC 6238 TOTP with SHA-1, 6 digits and a 30 s step, the only parameters every
// app reads from a QR code. A code is accepted one step either side of now (a phone's clock drifts, a person
// types slowly) and only once: a step at or before the last one used is a replay, however fresh the code.
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

export const TOTP_ISSUER = 'GrandLyonConnect';
const ALGORITHM = 'SHA1';
const DIGITS = 6;
const PERIOD_SECONDS = 30;
const WINDOW_STEPS = 1;
/** RFC 4226 asks for at least 128 bits and recommends 160: the size of a SHA-1 key. */
const SECRET_BYTES = 20;

/** A new shared secret, base32 (what the URI carries and what is stored, encrypted, on the account). */
export function newTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

function totpOf(secret: string, label = '', issuer = TOTP_ISSUER): TOTP {
  return new TOTP({ issuer, label, secret: Secret.fromBase32(secret), algorithm: ALGORITHM, digits: DIGITS, period: PERIOD_SECONDS });
}

/** The otpauth:// URI an authenticator app enrols from; the label is the account's email. */
export function totpUri({ secret, label, issuer = TOTP_ISSUER }: { secret: string; label: string; issuer?: string }): string {
  return totpOf(secret, label, issuer).toString();
}

const escapeAttribute = (value: string): string => value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/**
 * The URI's QR code as an SVG to inline in a page, drawn here so the secret never reaches a third party.
 * qrcode draws only paths (no script, no link); role and label make it one named image to a screen reader.
 */
export async function totpQrSvg(uri: string, ariaLabel: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
  return svg.replace(/^<svg /, `<svg role="img" aria-label="${escapeAttribute(ariaLabel)}" `);
}

/**
 * The absolute time step (counter) a typed code matches, or undefined when it matches none within one step
 * of `now` (milliseconds), is not six digits once spaces are removed, or matches a step at or before
 * `lastUsedStep`. The caller stores the returned step as the new lastUsedStep.
 */
export function matchTotp(
  secret: string,
  code: string,
  { now = Date.now(), lastUsedStep }: { now?: number; lastUsedStep?: number | undefined } = {},
): { step: number } | undefined {
  const token = code.replace(/\s/g, '');
  if (!/^[0-9]{6}$/.test(token)) return undefined;
  const delta = totpOf(secret).validate({ token, timestamp: now, window: WINDOW_STEPS });
  if (delta === null) return undefined;
  const step = TOTP.counter({ period: PERIOD_SECONDS, timestamp: now }) + delta;
  if (lastUsedStep !== undefined && step <= lastUsedStep) return undefined;
  return { step };
}
