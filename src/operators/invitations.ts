// Invitations (domain): a role granted to an address that no verified account holds is not given to
// whoever registered the address first. It waits as an invitation whose link goes to that address; only
// its owner, signed in with a verified account of that address, accepts it, once. The link carries 32
// random bytes; only their sha256 is stored, and the link is built from ISSUER alone.
import { createHash, randomBytes } from 'node:crypto';
import type { Locale } from '../locale.js';
import type { Config } from '../config.js';
import type { Pool, PoolClient, Queryable } from '../db/index.js';
import { AppError, conflict, notFound, present } from '../errors.js';
import { maskEmail } from '../log.js';
import { audited, type Actor } from './audited.js';
import {
  cancelPendingInvitations,
  findAccountAddress,
  findInvitationByTokenHash,
  insertInvitation,
  listPendingInvitations,
  markInvitationAccepted,
  type InvitationRecord,
} from './invitation-repository.js';
import { findOperator, upsertOperatorRole, type OperatorRecord, type Role } from './operator-repository.js';
import { roleChangeCommunes } from './role-audit.js';

export type { InvitationRecord } from './invitation-repository.js';

/** What the invitation mail says; the app renders it in `locale` and queues it in the caller's transaction. */
export interface InvitationMail {
  to: string;
  locale: Locale;
  link: string;
  role: Role;
  communeNames: string[];
  expiresAt: Date;
}

export type InvitationMailer = (mail: InvitationMail, db: Queryable) => Promise<void>;

export type InvitationState = 'pending' | 'expired' | 'used';

/** What an invitation mail asks for: the address, its language, the role and its communes (by slug and by name). */
export interface InvitationRequest {
  email: string;
  locale: Locale;
  role: Role;
  communes: string[];
  communeNames: string[];
}

/** The invitations of roles to addresses that no verified account holds yet. */
export interface Invitations {
  /** Stores an invitation and queues its mail, with its audit row, in the caller's transaction. */
  invite(db: PoolClient, request: InvitationRequest, by: Actor): Promise<InvitationRecord>;
  /** Revoking a role also withdraws what its pending invitations would give (audited, in the caller's transaction). */
  cancel(db: PoolClient, email: string, role: Role, communes: string[], by: Actor): Promise<InvitationRecord[]>;
  /** Invitations that may still be accepted. */
  listPending(): Promise<InvitationRecord[]>;
  /** The invitation of a link and its state, for the page that shows it; undefined for an unknown token. */
  find(token: string): Promise<{ invitation: InvitationRecord; state: InvitationState } | undefined>;
  /**
   * Gives the invitation's role to the signed-in account, if its address is the invited one and verified
   * (an account someone registered with another's address is never verified: its owner never got the
   * link). All at once: the invitation used up, the role, and the audit row naming both the inviter (the
   * actor who decided) and the account that accepted (the target).
   */
  accept(token: string, accountId: string, origin: string | undefined): Promise<{ invitation: InvitationRecord; record: OperatorRecord }>;
}

export interface InvitationsDeps {
  pool: Pool;
  config: Pick<Config, 'issuer' | 'operators'>;
  mail: InvitationMailer;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/** An address as invitations compare it: the account's unique index compares lower(email) too. */
export const invitationAddress = (email: string) => email.toLowerCase();

export function stateOf(invitation: InvitationRecord, now = new Date()): InvitationState {
  if (invitation.acceptedAt || invitation.cancelledAt) return 'used';
  return invitation.expiresAt.getTime() <= now.getTime() ? 'expired' : 'pending';
}

function refusalFor(state: Exclude<InvitationState, 'pending'>): AppError {
  return state === 'expired'
    ? new AppError('invitation_expired', 'conflict', 'this invitation has expired')
    : conflict('invitation_used', 'this invitation was already accepted or was cancelled');
}

export function createInvitations({ pool, config, mail }: InvitationsDeps): Invitations {
  return {
    async invite(db, request, by) {
      return audited(db, by, async (tx) => {
        const token = randomBytes(32).toString('base64url');
        const invitation = await insertInvitation(tx, {
          email: invitationAddress(request.email),
          role: request.role,
          communes: request.communes,
          tokenHash: hashToken(token),
          createdBy: by.actor,
          createdByLabel: by.label,
          expiresAt: new Date(Date.now() + config.operators.invitationTtlSeconds * 1000),
        });
        await mail(
          {
            to: request.email,
            locale: request.locale,
            link: `${config.issuer}/operators/invitations?token=${token}`,
            role: request.role,
            communeNames: request.communeNames,
            expiresAt: invitation.expiresAt,
          },
          tx,
        );
        return {
          result: invitation,
          audit: {
            action: 'operator.invite',
            target: `invitation:${invitation.id}`,
            after: {
              label: maskEmail(invitation.email),
              role: invitation.role,
              communes: invitation.communes,
              expires_at: invitation.expiresAt.toISOString(),
            },
            communeSlug: request.communes.length === 1 ? request.communes[0] : undefined,
            communes: request.communes,
          },
        };
      });
    },

    async cancel(db, email, role, communes, by) {
      const cancelled = await cancelPendingInvitations(db, invitationAddress(email), role, communes);
      for (const invitation of cancelled) {
        const withdrawn = communes.length ? invitation.communes.filter((slug) => communes.includes(slug)) : invitation.communes;
        // One audit row per withdrawn invitation, each in the revocation's transaction.
        await audited(db, by, () => ({
          result: undefined,
          audit: {
            action: 'operator.invitation_cancelled',
            target: `invitation:${invitation.id}`,
            before: { label: maskEmail(invitation.email), role: invitation.role, communes: invitation.communes },
            after: {
              label: maskEmail(invitation.email),
              role: invitation.role,
              communes: invitation.communes.filter((slug) => !withdrawn.includes(slug)),
            },
            communeSlug: withdrawn.length === 1 ? withdrawn[0] : undefined,
            communes: withdrawn,
          },
        }));
      }
      return cancelled;
    },

    listPending: () => listPendingInvitations(pool),

    async find(token) {
      const invitation = token ? await findInvitationByTokenHash(pool, hashToken(token)) : undefined;
      return invitation && { invitation, state: stateOf(invitation) };
    },

    async accept(token, accountId, origin) {
      const invitation = token ? await findInvitationByTokenHash(pool, hashToken(token)) : undefined;
      if (!invitation) throw notFound('invitation_not_found', 'no invitation has this link');
      // The inviter decided the grant: the audit's actor is theirs, the account that accepted is the target.
      return audited(pool, { actor: invitation.createdBy, label: invitation.createdByLabel, origin }, async (db) => {
        const locked = present(await findInvitationByTokenHash(db, hashToken(token), true), 'the invitation just found');
        const state = stateOf(locked);
        if (state !== 'pending') throw refusalFor(state);
        const address = await findAccountAddress(db, accountId);
        if (!address || invitationAddress(address.email) !== locked.email) {
          throw new AppError('invitation_wrong_account', 'forbidden', 'this invitation is for another address');
        }
        if (!address.emailVerified) throw new AppError('invitation_unverified', 'forbidden', 'verify the address of the account first');
        // Communes deleted since the invitation leave a referent invitation inviting to nothing.
        if (locked.role !== 'metropole-admin' && locked.communes.length === 0) throw refusalFor('used');
        if (!(await markInvitationAccepted(db, locked.id, accountId))) throw refusalFor('used');
        const subject = { accountId };
        const before = await findOperator(db, subject);
        await upsertOperatorRole(db, subject, locked.role, locked.communes);
        const after = present(await findOperator(db, subject), 'the operator just granted');
        const label = maskEmail(address.email);
        return {
          result: { invitation: locked, record: after },
          audit: {
            action: 'operator.grant',
            target: `account:${accountId}`,
            before: { label, roles: before?.roles ?? [] },
            after: { label, roles: after.roles, invitation: locked.id, accepted_by: `account:${accountId}` },
            communeSlug: locked.communes.length === 1 ? locked.communes[0] : undefined,
            communes: roleChangeCommunes(locked.role, locked.communes, before, after),
          },
        };
      });
    },
  };
}
