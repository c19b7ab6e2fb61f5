// Passkeys (WebAuthn) of an account: the two ceremonies through @simplewebauthn/server, the challenge of each
// kept in the database under the key of what it is bound to (the citizen's session, the interaction) and
// answered once. Whatever a browser sends (garbage, another origin, another challenge, a counter gone
// backwards, an unknown credential) ends as a refusal, never as a thrown error.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { withTransaction, type Pool, type Queryable } from '../../db/index.js';
import type { Origin } from '../self-service.js';
import type { Proof } from './assurance.js';
import {
  countPasskeys,
  deleteExpiredChallenges,
  deletePasskey,
  deletePasskeys,
  findPasskeyByCredentialId,
  insertPasskey,
  listPasskeys,
  putChallenge,
  recordPasskeyUse,
  takeChallenge,
} from './passkey-repository.js';
import {
  authenticationResponseOf,
  isHardwareBound,
  passkeyName,
  registrationResponseOf,
  relyingPartyOf,
  userHandleMatches,
  userHandleOf,
} from './passkey-rules.js';

/** The part of the factors' events passkeys tell (the history line and the mail, in the change's transaction). */
export interface PasskeyEvents {
  changed(
    accountId: string,
    change: 'passkey_added' | 'passkey_removed',
    vars: { detail?: string },
    db: Queryable,
    origin?: Origin,
  ): Promise<void>;
}

export interface PasskeySummary {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | undefined;
  /** Synced or backed up by its provider (a software key), rather than bound to one device. */
  isSynced: boolean;
}

export type RegistrationOutcome =
  { isAdded: true; passkey: PasskeySummary } | { isAdded: false; reason: 'name_invalid' | 'refused' | 'already_registered' };

/** Whom a sign-in answer claims to be: not an answer at all, a credential we do not know, or an account's. */
export type CredentialOwner = { kind: 'malformed' } | { kind: 'unknown' } | { kind: 'known'; accountId: string };

export interface Passkeys {
  /** Options for navigator.credentials.create; the challenge is kept under `register:<sessionKey>`. */
  registrationOptions(
    account: { id: string; email: string; displayName?: string },
    sessionKey: string,
  ): Promise<PublicKeyCredentialCreationOptionsJSON>;
  verifyRegistration(
    account: { id: string },
    sessionKey: string,
    responseJson: string,
    name: string,
    origin?: Origin,
  ): Promise<RegistrationOutcome>;
  /** Options for navigator.credentials.get; with `allowAccountId`, only that account's credentials are offered. */
  authenticationOptions(challengeKey: string, allowAccountId?: string): Promise<PublicKeyCredentialRequestOptionsJSON>;
  /** The account whose credential the answer names, before anything is verified (to throttle by it). */
  ownerOf(responseJson: string): Promise<CredentialOwner>;
  /** The account and what was proved, or undefined for any answer that does not verify. The challenge is spent either way. */
  verifyAuthentication(challengeKey: string, responseJson: string): Promise<{ accountId: string; proof: Proof } | undefined>;
  list(accountId: string): Promise<PasskeySummary[]>;
  remove(accountId: string, id: string, origin?: Origin): Promise<boolean>;
  hasPasskey(accountId: string): Promise<boolean>;
  /** Every passkey of the account goes (counter recovery), in the caller's transaction; no event here. */
  removeAll(accountId: string, db: Queryable): Promise<void>;
  /** Deletes up to `batchSize` expired challenges: the number deleted (for the cleanup sweep). */
  purgeExpiredChallenges(batchSize: number): Promise<number>;
}

export interface PasskeysDeps {
  db: Pool;
  events: PasskeyEvents;
  /** The ISSUER: the RP ID is its host, the expected origin its origin. */
  issuer: string;
  rpName: string;
  challengeTtlSeconds: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const registrationKey = (sessionKey: string) => `register:${sessionKey}`;

const summaryOf = (row: {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | undefined;
  isBackedUp: boolean;
  isMultiDevice: boolean;
}): PasskeySummary => ({
  id: row.id,
  name: row.name,
  createdAt: row.createdAt,
  lastUsedAt: row.lastUsedAt,
  isSynced: row.isMultiDevice || row.isBackedUp,
});

/** The library's verdict, a refusal when it throws: it throws for every malformed or mismatched answer. */
async function verdict<T>(check: () => Promise<T>): Promise<T | undefined> {
  try {
    return await check();
  } catch {
    return undefined;
  }
}

export function createPasskeys({ db, events, issuer, rpName, challengeTtlSeconds }: PasskeysDeps): Passkeys {
  const { rpId, origin: expectedOrigin } = relyingPartyOf(issuer);
  const timeout = challengeTtlSeconds * 1000;

  return {
    async registrationOptions(account, sessionKey) {
      const existing = await listPasskeys(db, account.id);
      const options = await generateRegistrationOptions({
        rpName,
        rpID: rpId,
        userName: account.email,
        userDisplayName: account.displayName ?? account.email,
        userID: userHandleOf(account.id),
        timeout,
        attestationType: 'none',
        excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
        authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'preferred' },
      });
      await putChallenge(db, registrationKey(sessionKey), options.challenge, challengeTtlSeconds);
      return options;
    },

    async verifyRegistration(account, sessionKey, responseJson, rawName, origin) {
      const expectedChallenge = await takeChallenge(db, registrationKey(sessionKey));
      const name = passkeyName(rawName);
      if (name === undefined) return { isAdded: false, reason: 'name_invalid' };
      const response = registrationResponseOf(responseJson);
      if (!response || expectedChallenge === undefined) return { isAdded: false, reason: 'refused' };
      const result = await verdict(() =>
        verifyRegistrationResponse({ response, expectedChallenge, expectedOrigin, expectedRPID: rpId, requireUserVerification: false }),
      );
      // The answer's id must name the credential its attestation carries: the list shows what was signed.
      if (!result?.verified || result.registrationInfo.credential.id !== response.id) return { isAdded: false, reason: 'refused' };
      const { credential, credentialDeviceType, credentialBackedUp } = result.registrationInfo;
      return withTransaction(db, async (tx) => {
        const row = await insertPasskey(tx, {
          accountId: account.id,
          credentialId: credential.id,
          publicKey: credential.publicKey,
          signCount: credential.counter,
          transports: (credential.transports ?? []).slice(0, 10),
          isBackedUp: credentialBackedUp,
          isMultiDevice: credentialDeviceType === 'multiDevice',
          name,
        });
        if (!row) return { isAdded: false, reason: 'already_registered' } as const;
        await events.changed(account.id, 'passkey_added', { detail: name }, tx, origin);
        return { isAdded: true, passkey: summaryOf(row) } as const;
      });
    },

    async authenticationOptions(challengeKey, allowAccountId) {
      const allowed = allowAccountId === undefined ? [] : await listPasskeys(db, allowAccountId);
      const options = await generateAuthenticationOptions({
        rpID: rpId,
        timeout,
        userVerification: 'preferred',
        allowCredentials: allowed.map((p) => ({ id: p.credentialId, transports: p.transports })),
      });
      await putChallenge(db, challengeKey, options.challenge, challengeTtlSeconds);
      return options;
    },

    async ownerOf(responseJson) {
      const response = authenticationResponseOf(responseJson);
      if (!response) return { kind: 'malformed' };
      const passkey = await findPasskeyByCredentialId(db, response.id);
      return passkey ? { kind: 'known', accountId: passkey.accountId } : { kind: 'unknown' };
    },

    async verifyAuthentication(challengeKey, responseJson) {
      const expectedChallenge = await takeChallenge(db, challengeKey);
      const response = authenticationResponseOf(responseJson);
      if (!response || expectedChallenge === undefined) return undefined;
      const passkey = await findPasskeyByCredentialId(db, response.id);
      if (!passkey || !userHandleMatches(response.response.userHandle ?? undefined, passkey.accountId)) return undefined;
      const result = await verdict(() =>
        verifyAuthenticationResponse({
          response,
          expectedChallenge,
          expectedOrigin,
          expectedRPID: rpId,
          credential: {
            id: passkey.credentialId,
            publicKey: new Uint8Array(passkey.publicKey),
            counter: passkey.signCount,
            transports: passkey.transports,
          },
          requireUserVerification: false,
        }),
      );
      if (!result?.verified) return undefined;
      const { newCounter, userVerified, credentialDeviceType, credentialBackedUp } = result.authenticationInfo;
      if (!(await recordPasskeyUse(db, passkey.id, { signCount: newCounter, isBackedUp: credentialBackedUp }))) return undefined;
      const hardwareBound = isHardwareBound(credentialDeviceType, credentialBackedUp);
      return { accountId: passkey.accountId, proof: { passkey: { userVerified, hardwareBound } } };
    },

    async list(accountId) {
      return (await listPasskeys(db, accountId)).map(summaryOf);
    },

    async remove(accountId, id, origin) {
      if (!UUID.test(id)) return false;
      return withTransaction(db, async (tx) => {
        const name = await deletePasskey(tx, accountId, id);
        if (name === undefined) return false;
        await events.changed(accountId, 'passkey_removed', { detail: name }, tx, origin);
        return true;
      });
    },

    async hasPasskey(accountId) {
      return (await countPasskeys(db, accountId)) > 0;
    },

    async removeAll(accountId, through) {
      await deletePasskeys(through, accountId);
    },

    purgeExpiredChallenges: (batchSize) => deleteExpiredChallenges(db, batchSize),
  };
}
