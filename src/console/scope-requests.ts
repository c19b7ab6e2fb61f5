// The console's scope requests: the requests for sensitive scopes of the operator's communes, by status,
// and the Métropole's decision on each, approved or refused with a reason. Read and decided through the
// operators' API's routes (deps.invoke): only a metropole-admin may decide there, a refusal needs its reason
// there, and the decision reaches the requester in the API's list and in the audit.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { authorize } from '../admin/permission.js';
import { AppError, notFound, STATUS_BY_KIND } from '../errors.js';
import { sendPage, textField } from '../http/index.js';
import { isMetropoleAdmin } from '../operators/index.js';
import {
  consoleScopeRequestPage,
  consoleScopeRequestsPage,
  SCOPE_REQUEST_STATUSES,
  type ConsoleScopeRequest,
  type ConsoleScopeRequestView,
  type ScopeRequestStatusFilter,
} from '../views/index.js';
import { frameOf, operatorOf, pageOf, requireCsrf, type ConsoleDeps } from './context.js';
import { faultOf, type ConsoleMiddleware } from './forms.js';

const DECISIONS = { approve: 'approved', refuse: 'refused' } as const;
type Action = keyof typeof DECISIONS;

/** The notices a redirect may ask for, by a fixed key (never text from the query). */
const NOTICES = ['approved', 'refused'] as const;

interface RequestsPage {
  items: ConsoleScopeRequest[];
  total: number;
}

/** The request of the path, as text (the API reads it as its integer). */
const idOf = (ctx: Context) => (ctx.params as { id: string }).id;

const statusOf = (asked: unknown): ScopeRequestStatusFilter => SCOPE_REQUEST_STATUSES.find((s) => s === asked) ?? 'pending';

async function showList(deps: ConsoleDeps, ctx: Context): Promise<void> {
  const status = statusOf(ctx.query.status);
  const offset = typeof ctx.query.offset === 'string' && /^\d{1,9}$/.test(ctx.query.offset) ? Number(ctx.query.offset) : 0;
  const limit = deps.config.operatorsApi.pageSize.default;
  const answer = (await deps.invoke('listScopeRequests', ctx, { query: { status, limit: String(limit), offset: String(offset) } }))
    .body as RequestsPage;
  const page = pageOf(deps, ctx);
  const done = NOTICES.find((key) => key === ctx.query.done);
  sendPage(
    ctx,
    consoleScopeRequestsPage(
      page,
      frameOf(deps, ctx, 'scope-requests', { notice: done && page.t(`console.scope_requests.done.${done}`) }),
      {
        status,
        requests: answer.items,
        total: answer.total,
        offset,
        limit,
        mayDecide: isMetropoleAdmin(operatorOf(ctx).principal),
      },
    ).toString(),
  );
}

/** One request among those the operator may see (the API lists them; it has no route reading one), or 404. */
async function requestOf(deps: ConsoleDeps, ctx: Context): Promise<ConsoleScopeRequest> {
  const id = Number(idOf(ctx));
  const limit = deps.config.operatorsApi.pageSize.max;
  for (let offset = 0; Number.isSafeInteger(id); offset += limit) {
    const answer = (await deps.invoke('listScopeRequests', ctx, { query: { status: 'all', limit: String(limit), offset: String(offset) } }))
      .body as RequestsPage;
    const found = answer.items.find((r) => r.id === id);
    if (found) return found;
    if (answer.items.length === 0 || offset + answer.items.length >= answer.total) break;
  }
  throw notFound('scope_request_not_found', 'no such scope request');
}

/** The decision page: for the Métropole only, as the decision routes' permission says; a decided request shows in the list. */
async function showRequest(deps: ConsoleDeps, ctx: Context, posted?: Omit<ConsoleScopeRequestView, 'request'> & { status: number }) {
  authorize('metropole-admin', operatorOf(ctx).principal, undefined);
  const request = await requestOf(deps, ctx);
  if (request.status !== 'pending' && !posted) {
    ctx.status = 303;
    ctx.redirect(`/admin/scope-requests?status=${request.status}`);
    return;
  }
  const fault = posted?.approve?.fault ?? posted?.refuse?.fault;
  sendPage(
    ctx,
    consoleScopeRequestPage(pageOf(deps, ctx), frameOf(deps, ctx, 'scope-requests', { errors: fault && [fault.message] }), {
      request,
      approve: posted?.approve,
      refuse: posted?.refuse,
    }).toString(),
    posted?.status,
  );
}

async function decide(deps: ConsoleDeps, ctx: Context, action: Action): Promise<void> {
  const form = requireCsrf(deps, ctx);
  const reason = textField(form, `${action}-reason`, 2000);
  try {
    // A refusal's reason goes as typed, empty included, so that the API's rule (it is required) is the one said.
    await deps.invoke(`${action}ScopeRequest`, ctx, {
      params: { id: idOf(ctx) },
      body: action === 'refuse' || reason ? { reason } : {},
    });
  } catch (error) {
    if (error instanceof AppError && (error.kind === 'forbidden' || error.kind === 'not_found')) throw error;
    const fault = faultOf(pageOf(deps, ctx), error);
    await showRequest(deps, ctx, { [action]: { reason, fault }, status: STATUS_BY_KIND[(error as AppError).kind] });
    return;
  }
  ctx.status = 303;
  ctx.redirect(`/admin/scope-requests?status=${DECISIONS[action]}&done=${DECISIONS[action]}`);
}

export function registerScopeRequestsPages(router: Router, deps: ConsoleDeps, { signedIn, forms }: ConsoleMiddleware): void {
  router.get('/scope-requests', signedIn, (ctx) => showList(deps, ctx));
  router.get('/scope-requests/:id', signedIn, (ctx) => showRequest(deps, ctx));
  for (const action of Object.keys(DECISIONS) as Action[]) {
    router.post(`/scope-requests/:id/${action}`, forms, signedIn, (ctx) => decide(deps, ctx, action));
  }
}
