// What the citizen's account is connected to and what happened to it: services, sign-ins, security
// history, the sharing journal, and the export of all of it.
import type { Context } from 'koa';
import { historyList, journalList, servicesList, sessionsList, exportSection } from '../views/index.js';
import { FIELD_LIMITS, textField } from '../http/index.js';
import { citizenOf, csrfToken, originOf, pageOf, requireCsrf, type AccountSpaceDeps } from './context.js';
import { sendSection } from './profile.js';

export async function showServices(deps: AccountSpaceDeps, ctx: Context, notice?: string) {
  const services = await deps.citizen.listServices(citizenOf(ctx).account.id);
  sendSection(deps, ctx, 'services', servicesList(pageOf(deps, ctx), csrfToken(deps, ctx), services), notice ? { notice } : {});
}

export async function revokeService(deps: AccountSpaceDeps, ctx: Context) {
  const body = requireCsrf(deps, ctx);
  const { account } = citizenOf(ctx);
  const clientId = textField(body, 'client_id', FIELD_LIMITS.clientId);
  const service = (await deps.citizen.listServices(account.id)).find((s) => s.clientId === clientId);
  if (service) {
    await deps.changes.revokeService(account.id, clientId, originOf(ctx));
  }
  await showServices(deps, ctx, service && pageOf(deps, ctx).t('account.services.revoked', { client: service.clientName }));
}

export async function showSessions(deps: AccountSpaceDeps, ctx: Context) {
  const { account, sessionUid } = citizenOf(ctx);
  const sessions = (await deps.citizen.listSessions(account.id)).map((s) => ({ ...s, isCurrent: s.uid === sessionUid }));
  sendSection(deps, ctx, 'sessions', sessionsList(pageOf(deps, ctx), csrfToken(deps, ctx), sessions));
}

export async function endSession(deps: AccountSpaceDeps, ctx: Context) {
  const body = requireCsrf(deps, ctx);
  const { account, sessionUid } = citizenOf(ctx);
  const uid = textField(body, 'session', FIELD_LIMITS.token);
  if (await deps.citizen.endSession(account.id, uid)) {
    await deps.accounts.selfService.recordEvent(account.id, 'session_ended', originOf(ctx));
  }
  ctx.redirect(uid === sessionUid ? '/account/signed-out' : '/account/sessions?done=sessions.ended');
}

export async function endAllSessions(deps: AccountSpaceDeps, ctx: Context) {
  requireCsrf(deps, ctx);
  const { account } = citizenOf(ctx);
  await deps.citizen.endAllSessions(account.id);
  await deps.accounts.selfService.recordEvent(account.id, 'all_sessions_ended', originOf(ctx));
  ctx.redirect('/account/signed-out');
}

export async function showHistory(deps: AccountSpaceDeps, ctx: Context) {
  const events = await deps.accounts.securityHistory(citizenOf(ctx).account.id);
  sendSection(deps, ctx, 'history', historyList(pageOf(deps, ctx), events, deps.config.retention.historyDays));
}

export async function showJournal(deps: AccountSpaceDeps, ctx: Context) {
  const entries = await deps.accounts.sharingJournal(citizenOf(ctx).account.id);
  sendSection(deps, ctx, 'journal', journalList(pageOf(deps, ctx), entries, deps.config.retention.historyDays));
}

export function showExport(deps: AccountSpaceDeps, ctx: Context) {
  sendSection(deps, ctx, 'export', exportSection(pageOf(deps, ctx)));
}

/** Everything held about the citizen (RGPD art. 15 and 20), as one JSON document. */
export async function downloadExport(deps: AccountSpaceDeps, ctx: Context) {
  const { account } = citizenOf(ctx);
  const { exportedEntries } = deps.config.accountHistory;
  const [services, sessions, history, journal, factors, franceConnect] = await Promise.all([
    deps.citizen.listServices(account.id),
    deps.citizen.listSessions(account.id),
    deps.accounts.securityHistory(account.id, exportedEntries),
    deps.accounts.sharingJournal(account.id, exportedEntries),
    deps.factors.exportOf(account.id),
    deps.accounts.franceConnect.linkOf(account.id),
  ]);
  ctx.set('Content-Disposition', 'attachment; filename="grandlyonconnect-mes-donnees.json"');
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'application/json; charset=utf-8';
  ctx.body = JSON.stringify(
    {
      exported_at: new Date().toISOString(),
      profile: {
        sub: account.id,
        email: account.email,
        email_verified: account.emailVerified,
        given_name: account.givenName ?? null,
        family_name: account.familyName ?? null,
        phone_number: account.phoneNumber ?? null,
        address: account.address ?? null,
        locale: account.locale,
        commune: account.communeSlug ?? null,
        created_at: account.createdAt,
        updated_at: account.updatedAt,
        last_login_at: account.lastLoginAt ?? null,
      },
      connected_services: services.map((s) => ({
        client_id: s.clientId,
        name: s.clientName,
        commune: s.communeName,
        scopes: s.scopes,
        claims: s.claims,
        since: s.since,
      })),
      sessions: sessions.map((s) => ({
        signed_in_at: s.signedInAt ?? null,
        last_seen_at: s.lastSeenAt ?? null,
        user_agent: s.userAgent ?? null,
        ip: s.ip ?? null,
        services: s.clientIds,
      })),
      second_factors: factors,
      // The upstream identity linked to the account: its sub there, the identity as last received, and when.
      federated_identities: franceConnect
        ? [
            {
              provider: franceConnect.provider,
              subject: franceConnect.subject,
              identity: franceConnect.identity,
              acr: franceConnect.acr ?? null,
              linked_at: franceConnect.linkedAt,
              last_used_at: franceConnect.lastUsedAt,
            },
          ]
        : [],
      security_history: history.map((e) => ({
        event: e.kind,
        at: e.createdAt,
        detail: e.detail ?? null,
        ip: e.ip ?? null,
        user_agent: e.userAgent ?? null,
      })),
      sharing_journal: journal.map((e) => ({
        at: e.createdAt,
        client_id: e.clientId,
        site: e.clientName,
        commune: e.communeName,
        claims: e.claims,
        channel: e.channel,
      })),
    },
    null,
    2,
  );
}
