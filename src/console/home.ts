// /admin: the operator's communes, the scope requests waiting, the last changes; all read through the
// operators' API's routes. A counter agent, who manages no commune, is sent to the help desk.
import type { Context } from 'koa';
import { sendPage } from '../http/index.js';
import { consoleHomePage } from '../views/index.js';
import { frameOf, operatorOf, pageOf, sectionsOf, type ConsoleDeps } from './context.js';

interface PageOf<T> {
  items: T[];
  total: number;
}
const LAST_CHANGES = 10;

export async function showHome(deps: ConsoleDeps, ctx: Context): Promise<void> {
  if (!sectionsOf(operatorOf(ctx).principal).includes('home')) {
    ctx.redirect('/admin/help-desk');
    return;
  }
  const max = String(deps.config.operatorsApi.pageSize.max);
  const communes = (await deps.invoke('listCommunes', ctx, { query: { limit: max } })).body as PageOf<{ slug: string; name: string }>;
  const requests = (await deps.invoke('listScopeRequests', ctx, { query: { status: 'pending', limit: max } })).body as PageOf<{
    id: number;
    client_name: string;
    commune: string;
    scope: string;
    requested_at: string;
  }>;
  const audit = (await deps.invoke('readAudit', ctx, { query: { limit: '1' } })).body as PageOf<unknown>;
  const newest = (
    await deps.invoke('readAudit', ctx, { query: { limit: String(LAST_CHANGES), offset: String(Math.max(0, audit.total - LAST_CHANGES)) } })
  ).body as PageOf<{ at: string; actor_label: string | null; actor: string; action: string; commune: string | null }>;
  const page = pageOf(deps, ctx);
  sendPage(
    ctx,
    consoleHomePage(page, frameOf(deps, ctx, 'home'), {
      communes: communes.items,
      pendingRequests: requests.items.map((r) => ({
        id: r.id,
        clientName: r.client_name,
        commune: r.commune,
        scope: r.scope,
        requestedAt: new Date(r.requested_at),
      })),
      lastChanges: newest.items
        .reverse()
        .map((e) => ({ at: new Date(e.at), actorLabel: e.actor_label ?? e.actor, action: e.action, commune: e.commune })),
    }).toString(),
  );
}
