// A citizen's sessions and connected services as the account space shows them, and their ending:
// revoking a service removes its grant and tokens and sends back-channel logout to it; signing out a
// session does what the provider's own logout does.
import type Provider from 'oidc-provider';
import type { Queryable } from '../db/index.js';
import type { Logger } from '../log.js';
import type { Adapter } from 'oidc-provider';
import {
  deleteStoredPayload,
  deleteTokensOfGrantOutsideSession,
  listPayloadsOfAccount,
  removeSessionAuthorization,
  type StoredPayload,
} from './payload-repository.js';
import { listSessionActivity } from './session-activity-repository.js';
import { deleteConsent, deleteConsentsOfAccount, listConsentsOfAccount } from './consent-repository.js';

interface SessionPayload {
  uid: string;
  accountId: string;
  loginTs?: number;
  authorizations?: Record<string, { sid?: string; grantId?: string; persistsLogout?: boolean }>;
}

interface GrantPayload {
  accountId: string;
  clientId: string;
  openid?: { scope?: string; claims?: string[] };
}

export interface ConnectedService {
  clientId: string;
  clientName: string;
  communeName: string;
  scopes: string[];
  claims: string[];
  since: Date;
}

export interface CitizenSession {
  uid: string;
  signedInAt: Date | undefined;
  lastSeenAt: Date | undefined;
  userAgent: string | undefined;
  ip: string | undefined;
  clientIds: string[];
}

export interface CitizenSessionsDeps {
  db: Queryable;
  provider: () => Provider;
  adapter: (model: string) => Adapter;
  log: Logger;
}

/** The citizen's sessions, sites and grants at the provider, as the account space and the account changes see them. */
export interface CitizenSessions {
  /** The session whose cookie value is `sessionId`, if it is alive. */
  findSession(sessionId: string): Promise<{ accountId: string; uid: string } | undefined>;
  /** The sites the citizen allowed, with what each may read. */
  listServices(accountId: string): Promise<ConnectedService[]>;
  /** Ends the citizen's relation with one site: grant and tokens revoked, back-channel logout, consent forgotten. */
  revokeService(accountId: string, clientId: string): Promise<void>;
  /** The citizen's signed-in browsers, with when and where each was last seen. */
  listSessions(accountId: string): Promise<CitizenSession[]>;
  /** Signs one session out, the way the provider's logout does; answers false when it is not the citizen's. */
  endSession(accountId: string, uid: string): Promise<boolean>;
  /** Signs every session of the account out; answers how many. */
  endAllSessions(accountId: string): Promise<number>;
  /**
   * After a password change: every other browser signed out (back-channel logout to its sites), every
   * grant this browser's session does not hold revoked, and of the grants it holds (shared with the other
   * browsers of the account) every token another session obtained: a refresh token taken with the old
   * password stops working. Consents are kept: the citizen still allows those sites.
   */
  revokeAllButSession(accountId: string, keptUid: string): Promise<void>;
  /** After a password reset or on deletion: no session, no grant, no token, no remembered consent. */
  revokeEverything(accountId: string): Promise<void>;
}

export function createCitizenSessions({ db, provider, adapter, log }: CitizenSessionsDeps): CitizenSessions {
  const sessionsOf = async (accountId: string) =>
    (await listPayloadsOfAccount(db, 'Session', accountId)) as (StoredPayload & { payload: SessionPayload })[];
  const grantsOf = async (accountId: string) =>
    (await listPayloadsOfAccount(db, 'Grant', accountId)) as (StoredPayload & { payload: GrantPayload })[];

  async function backchannelLogout(clientId: string, accountId: string, sid: string | undefined) {
    // backchannelLogout is the library's own (it signs the logout token); its typings omit it.
    const client = (await provider().Client.find(clientId)) as
      { backchannelLogoutUri?: string; backchannelLogout(sub: string, sid: string): Promise<void> } | undefined;
    if (!client?.backchannelLogoutUri || !sid) return;
    await client.backchannelLogout(accountId, sid).then(
      () => log.info({ event: 'account.backchannel_sent', clientId }, 'account.backchannel_sent'),
      (error: unknown) =>
        log.warn(
          { event: 'oidc.backchannel.error', clientId, error: error instanceof Error ? error.message : String(error) },
          'oidc.backchannel.error',
        ),
    );
  }

  async function revokeGrant(grantId: string) {
    await adapter('Grant').revokeByGrantId(grantId);
    await adapter('Grant').destroy(grantId);
  }

  /** `spared`: grants another session still holds (a grant is shared by the browsers of one account and site). */
  async function endSessionRow(
    accountId: string,
    session: StoredPayload & { payload: SessionPayload },
    spared: ReadonlySet<string> = new Set(),
  ) {
    for (const [clientId, authorization] of Object.entries(session.payload.authorizations ?? {})) {
      await backchannelLogout(clientId, accountId, authorization.sid);
      if (authorization.grantId && !authorization.persistsLogout && !spared.has(authorization.grantId))
        await revokeGrant(authorization.grantId);
    }
    // Listed rows carry their stored key, not the cookie value the adapter would digest again.
    await deleteStoredPayload(db, 'Session', session.id);
  }

  const api: CitizenSessions = {
    async findSession(sessionId: string): Promise<{ accountId: string; uid: string } | undefined> {
      const payload = (await adapter('Session').find(sessionId)) as SessionPayload | undefined;
      return payload?.accountId ? { accountId: payload.accountId, uid: payload.uid } : undefined;
    },

    async listServices(accountId: string): Promise<ConnectedService[]> {
      const consents = await listConsentsOfAccount(db, accountId);
      const services: ConnectedService[] = [];
      for (const consent of consents) {
        const client = await provider().Client.find(consent.clientId);
        const extra = client as unknown as { commune_name?: string } | undefined;
        services.push({
          clientId: consent.clientId,
          clientName: client?.clientName ?? consent.clientId,
          communeName: extra?.commune_name ?? '',
          scopes: consent.scopes,
          claims: consent.claims,
          since: consent.grantedAt,
        });
      }
      return services;
    },

    async revokeService(accountId: string, clientId: string): Promise<void> {
      for (const session of await sessionsOf(accountId)) {
        const authorization = session.payload.authorizations?.[clientId];
        if (!authorization) continue;
        await backchannelLogout(clientId, accountId, authorization.sid);
        await removeSessionAuthorization(db, session.id, clientId);
      }
      for (const grant of await grantsOf(accountId)) {
        if (grant.payload.clientId === clientId) await revokeGrant(grant.id);
      }
      await deleteConsent(db, accountId, clientId);
    },

    async listSessions(accountId: string): Promise<CitizenSession[]> {
      const activity = new Map((await listSessionActivity(db, accountId)).map((a) => [a.uid, a]));
      return (await sessionsOf(accountId)).map((session) => {
        const seen = activity.get(session.payload.uid);
        return {
          uid: session.payload.uid,
          signedInAt: session.payload.loginTs ? new Date(session.payload.loginTs * 1000) : undefined,
          lastSeenAt: seen?.lastSeenAt,
          userAgent: seen?.userAgent,
          ip: seen?.ip,
          clientIds: Object.keys(session.payload.authorizations ?? {}),
        };
      });
    },

    async endSession(accountId: string, uid: string): Promise<boolean> {
      const session = (await sessionsOf(accountId)).find((s) => s.payload.uid === uid);
      if (!session) return false;
      await endSessionRow(accountId, session);
      return true;
    },

    async endAllSessions(accountId: string): Promise<number> {
      const sessions = await sessionsOf(accountId);
      for (const session of sessions) await endSessionRow(accountId, session);
      return sessions.length;
    },

    async revokeAllButSession(accountId: string, keptUid: string): Promise<void> {
      const sessions = await sessionsOf(accountId);
      const kept = sessions.find((session) => session.payload.uid === keptUid);
      const keptGrants = new Set(Object.values(kept?.payload.authorizations ?? {}).flatMap((authorization) => authorization.grantId ?? []));
      for (const session of sessions) if (session !== kept) await endSessionRow(accountId, session, keptGrants);
      for (const grant of await grantsOf(accountId)) {
        if (keptGrants.has(grant.id)) await deleteTokensOfGrantOutsideSession(db, grant.id, keptUid);
        else await revokeGrant(grant.id);
      }
    },

    async revokeEverything(accountId: string): Promise<void> {
      await api.endAllSessions(accountId);
      for (const grant of await grantsOf(accountId)) await revokeGrant(grant.id);
      await deleteConsentsOfAccount(db, accountId);
    },
  };
  return api;
}
