// The console's operators pages: who holds a role over the operator's communes, the grant form, and the
// revocation (a confirmation, then the change). Every read and change is the operators' API's route
// (listOperators, grantOperator, revokeOperator), so the domain's rule (operators/permissions.ts,
// roleChangeRefusal) alone decides what may be handed down; the form only offers what that rule allows
// (grantableRoles), and a forged choice comes back refused on its field.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { AppError, invalid, STATUS_BY_KIND } from '../errors.js';
import { FIELD_LIMITS, sendPage, textField, type FormBody } from '../http/index.js';
import { grantableRoles, ROLES } from '../operators/index.js';
import {
  consoleOperatorRevokePage,
  consoleOperatorsPage,
  type ConsoleOperatorEntry,
  type GrantValues,
  type RevokeTarget,
} from '../views/index.js';
import { frameOf, operatorOf, pageOf, requireCsrf, type ConsoleDeps } from './context.js';
import { faultOf, type ConsoleMiddleware, type FormFault } from './forms.js';

/** The notices a redirect may ask for, by a fixed key (never text from the query). */
const NOTICES = ['granted', 'invited', 'revoked'] as const;

/** Refusals the domain names by code only: the field of the form they are about. */
const FIELD_OF_CODE: Record<string, string> = {
  client_not_found: 'client_id',
  commune_not_found: 'communes',
  account_not_found: 'email',
  role_communes_invalid: 'communes',
};

/** At most this many communes in one change (the form lists the operator's communes; a longer list is forged). */
const MAX_COMMUNES = 200;

function noticeOf(deps: ConsoleDeps, ctx: Context): string | undefined {
  const done = ctx.query.done;
  return NOTICES.find((key) => key === done) && pageOf(deps, ctx).t(`console.operators.done.${String(done)}`);
}

/** A repeated field (checkboxes, hidden fields), as strings: one value or several. */
function listField(body: FormBody, name: string): string[] {
  const value = body[name];
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  return values
    .filter((v): v is string => typeof v === 'string')
    .slice(0, MAX_COMMUNES)
    .map((v) => v.slice(0, FIELD_LIMITS.communeSlug).trim())
    .filter(Boolean);
}

const changeOf = (body: FormBody): GrantValues => ({
  email: textField(body, 'email', FIELD_LIMITS.email),
  client_id: textField(body, 'client_id', FIELD_LIMITS.clientId),
  role: textField(body, 'role'),
  communes: listField(body, 'communes'),
});

/** The API's body for a change: the person or the program given, the role, its communes. */
const apiBody = (values: GrantValues) => ({
  ...(values.email ? { email: values.email } : {}),
  ...(values.client_id ? { client_id: values.client_id } : {}),
  role: values.role,
  communes: values.communes,
});

/** Every item of a list route, page after page. */
async function everyItem<T>(deps: ConsoleDeps, ctx: Context, operationId: string): Promise<T[]> {
  const limit = deps.config.operatorsApi.pageSize.max;
  const items: T[] = [];
  for (;;) {
    const page = (await deps.invoke(operationId, ctx, { query: { limit: String(limit), offset: String(items.length) } })).body as {
      items: T[];
      total: number;
    };
    items.push(...page.items);
    if (page.items.length === 0 || items.length >= page.total) return items;
  }
}

/**
 * A refused change as the form shows it, with the API's status: the field it names, and for a role or a
 * commune out of the operator's reach (403) the console's own sentence for that field.
 */
function refusalOf(deps: ConsoleDeps, ctx: Context, error: unknown): { fault: FormFault; status: number } {
  const page = pageOf(deps, ctx);
  const fault = faultOf(page, error);
  const { code, kind } = error as AppError;
  const field = fault.field ?? FIELD_OF_CODE[code];
  const message =
    kind === 'forbidden' && (field === 'role' || field === 'communes') ? page.t(`console.operators.refused.${field}`) : fault.message;
  return { fault: { field, message }, status: STATUS_BY_KIND[kind] };
}

async function showOperators(deps: ConsoleDeps, ctx: Context, form?: { values: GrantValues; fault: FormFault; status: number }) {
  const { principal } = operatorOf(ctx);
  const operators = await everyItem<ConsoleOperatorEntry>(deps, ctx, 'listOperators');
  const communes = await everyItem<{ slug: string; name: string }>(deps, ctx, 'listCommunes');
  const roles = grantableRoles(principal);
  const blank: GrantValues = {
    email: '',
    client_id: '',
    role: roles.includes('commune-referent') ? 'commune-referent' : (roles[0] ?? ''),
    communes: [],
  };
  sendPage(
    ctx,
    consoleOperatorsPage(
      pageOf(deps, ctx),
      frameOf(deps, ctx, 'operators', { notice: noticeOf(deps, ctx), errors: form && [form.fault.message] }),
      { operators, grantable: { roles, communes }, values: form?.values ?? blank, fault: form?.fault },
    ).toString(),
    form?.status,
  );
}

async function grant(deps: ConsoleDeps, ctx: Context): Promise<void> {
  const values = changeOf(requireCsrf(deps, ctx));
  let status: number;
  try {
    ({ status } = await deps.invoke('grantOperator', ctx, { body: apiBody(values) }));
  } catch (error) {
    await showOperators(deps, ctx, { values, ...refusalOf(deps, ctx, error) });
    return;
  }
  ctx.status = 303;
  // 202: no verified account holds the address; the role waits for its owner to accept the mailed invitation.
  ctx.redirect(`/admin/operators?done=${status === 202 ? 'invited' : 'granted'}`);
}

const revokeTargetOf = (values: GrantValues): RevokeTarget => ({ ...values });

function showRevoke(deps: ConsoleDeps, ctx: Context, target: RevokeTarget, refused?: { fault: FormFault; status: number }) {
  sendPage(
    ctx,
    consoleOperatorRevokePage(
      pageOf(deps, ctx),
      frameOf(deps, ctx, 'operators', { errors: refused && [refused.fault.message] }),
      target,
    ).toString(),
    refused?.status,
  );
}

async function revoke(deps: ConsoleDeps, ctx: Context): Promise<void> {
  const values = changeOf(requireCsrf(deps, ctx));
  try {
    await deps.invoke('revokeOperator', ctx, { body: apiBody(values) });
  } catch (error) {
    showRevoke(deps, ctx, revokeTargetOf(values), refusalOf(deps, ctx, error));
    return;
  }
  ctx.status = 303;
  ctx.redirect('/admin/operators?done=revoked');
}

export function registerOperatorsPages(router: Router, deps: ConsoleDeps, middleware: ConsoleMiddleware): void {
  router.get('/operators', middleware.signedIn, (ctx) => showOperators(deps, ctx));
  router.post('/operators/grant', middleware.forms, middleware.signedIn, (ctx) => grant(deps, ctx));
  // The confirmation asks nothing of the API: the change itself is judged when it is posted.
  router.get('/operators/revoke', middleware.signedIn, (ctx) => {
    const target = revokeTargetOf(changeOf(ctx.query));
    if (!(ROLES as readonly string[]).includes(target.role)) throw invalid('role_invalid', 'role: not a role', { field: 'role' });
    showRevoke(deps, ctx, target);
  });
  router.post('/operators/revoke', middleware.forms, middleware.signedIn, (ctx) => revoke(deps, ctx));
}
