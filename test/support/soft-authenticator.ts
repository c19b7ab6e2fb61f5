// A WebAuthn authenticator in software, for tests without a browser: real P-256 keys, real CBOR attestation
// ('none') and real signatures, so the server's verification runs as it does for a device. Each answer can
// be bent the way an attacker would (another origin, a counter gone back, a flipped signature).
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

type Cbor = number | string | Uint8Array | Map<number | string, Cbor>;

function head(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 256) return Buffer.from([(major << 5) | 24, length]);
  if (length < 65536) return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
  const out = Buffer.alloc(5);
  out[0] = (major << 5) | 26;
  out.writeUInt32BE(length, 1);
  return out;
}

/** The few CBOR types an attestation object and a COSE key use. */
function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const b64u = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

interface Credential {
  id: string;
  privateKey: KeyObject;
  userHandle: string;
  counter: number;
  rpId: string;
  isSynced: boolean;
}

export interface Bend {
  origin?: string;
  /** The counter to report instead of the next one. */
  counter?: number;
  /** Flip a byte of the signature. */
  tamperSignature?: boolean;
  challenge?: string;
  userVerified?: boolean;
}

export interface SoftAuthenticator {
  register(
    options: PublicKeyCredentialCreationOptionsJSON,
    bend?: Bend & { isSynced?: boolean; credentialId?: string },
  ): RegistrationResponseJSON;
  /** Answers with the credential `credentialId`, or the newest one for the options' RP. */
  authenticate(options: PublicKeyCredentialRequestOptionsJSON, bend?: Bend & { credentialId?: string }): AuthenticationResponseJSON;
  credentials: Credential[];
}

/** flags: UP, UV, BE and BS (a synced credential is backup-eligible and backed up), AT for a registration. */
function flagsOf(userVerified: boolean, isSynced: boolean, attested: boolean): number {
  return 0x01 | (userVerified ? 0x04 : 0) | (isSynced ? 0x18 : 0) | (attested ? 0x40 : 0);
}

function counterBytes(counter: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(counter);
  return out;
}

export function aSoftAuthenticator(defaultOrigin: string): SoftAuthenticator {
  const credentials: Credential[] = [];
  return {
    credentials,
    register(options, bend = {}) {
      const rpId = options.rp.id ?? new URL(defaultOrigin).hostname;
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' });
      const cose = new Map<number, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x ?? '', 'base64url')],
        [-3, Buffer.from(jwk.y ?? '', 'base64url')],
      ]);
      const rawId = bend.credentialId ? Buffer.from(bend.credentialId, 'base64url') : randomBytes(32);
      const credential: Credential = {
        id: b64u(rawId),
        privateKey,
        userHandle: options.user.id,
        counter: 0,
        rpId,
        isSynced: bend.isSynced ?? false,
      };
      const authData = Buffer.concat([
        sha256(rpId),
        Buffer.from([flagsOf(bend.userVerified ?? true, credential.isSynced, true)]),
        counterBytes(bend.counter ?? 0),
        Buffer.alloc(16),
        Buffer.from([0, rawId.length]),
        rawId,
        cbor(cose),
      ]);
      const clientData = JSON.stringify({
        type: 'webauthn.create',
        challenge: bend.challenge ?? options.challenge,
        origin: bend.origin ?? defaultOrigin,
        crossOrigin: false,
      });
      const attestation = cbor(
        new Map<string, Cbor>([
          ['fmt', 'none'],
          ['attStmt', new Map()],
          ['authData', authData],
        ]),
      );
      credentials.push(credential);
      return {
        id: credential.id,
        rawId: credential.id,
        type: 'public-key',
        response: { clientDataJSON: b64u(clientData), attestationObject: b64u(attestation), transports: ['internal'] },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },
    authenticate(options, bend = {}) {
      const credential = bend.credentialId ? credentials.find((c) => c.id === bend.credentialId) : credentials.at(-1);
      if (!credential) throw new Error('this soft authenticator holds no such credential');
      credential.counter += 1;
      const counter = bend.counter ?? credential.counter;
      const authData = Buffer.concat([
        sha256(options.rpId ?? credential.rpId),
        Buffer.from([flagsOf(bend.userVerified ?? true, credential.isSynced, false)]),
        counterBytes(counter),
      ]);
      const clientData = JSON.stringify({
        type: 'webauthn.get',
        challenge: bend.challenge ?? options.challenge,
        origin: bend.origin ?? defaultOrigin,
        crossOrigin: false,
      });
      const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), credential.privateKey);
      if (bend.tamperSignature) signature[signature.length - 1] = (signature.at(-1) ?? 0) ^ 0xff;
      return {
        id: credential.id,
        rawId: credential.id,
        type: 'public-key',
        response: {
          clientDataJSON: b64u(clientData),
          authenticatorData: b64u(authData),
          signature: b64u(signature),
          userHandle: credential.userHandle,
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },
  };
}
