// The console's pages for a commune's clients (issue 10): list, register (the secret shown once), read and
// change, switch off and on, delete after a confirmation, rotate the secret with an overlap (the new one
// shown once), and the commune's initial access token for dynamic registration. Every read and change is a
// route of the operators' API (deps.invoke): its permission, validation and rules, none said again here;
// this module only turns forms into the API's bodies and the API's refusals into fields of the form.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { ACR_VALUES } from '../accounts/index.js';
import { AppError, invalid } from '../errors.js';
import { sendPage, textField, type FormBody } from '../http/index.js';
import { isMetropoleAdmin } from '../operators/index.js';
import {
  clientFormValuesOf,
  consoleClientDeletePage,
  consoleClientFormPage,
  consoleClientPage,
  consoleClientRotatePage,
  consoleClientSecretPage,
  consoleClientsPage,
  consoleRegistrationTokenPage,
  NO_FAULTS,
  type ClientFormFaults,
  type ClientFormValues,
  type ClientsCommune,
  type ConsoleClient,
  type PageContext,
} from '../views/index.js';
import { frameOf, operatorOf, pageOf, requireCsrf, type ConsoleDeps } from './context.js';
import { faultOf, linesOf, type ConsoleMiddleware } from './forms.js';

/** The grant types the API's createClient names (its description); the registry judges what is chosen. */
const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'];
const CHOICES = { grantTypes: GRANT_TYPES, acrValues: ACR_VALUES };
const DAY_SECONDS = 86_400;
/** The overlaps a rotation offers beside the deployment's default; any whole number of days may be typed. */
const OVERLAPS = [0, DAY_SECONDS, 7 * DAY_SECONDS, 30 * DAY_SECONDS];
const TOKEN_LIVES = [DAY_SECONDS, 7 * DAY_SECONDS, 30 * DAY_SECONDS];
/** The notices a redirect may ask for, by a fixed key (never text from the query). */
const NOTICES = ['updated', 'disabled', 'enabled', 'deleted'] as const;

/**
 * The registry names some fields as its own request does (name, each redirect_uri): on the form they are the
 * API's fields, so that the refusal lands on the field the operator typed into.
 */
const FORM_FIELD_OF: Record<string, string> = {
  name: 'client_name',
  redirect_uri: 'redirect_uris',
  post_logout_redirect_uri: 'post_logout_redirect_uris',
};
const STATUS_OF: Record<string, number> = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409 };

interface PageOf<T> {
  items: T[];
}

/**
 * A refusal the form shows on its field, with the API's status; a refusal of the operator or of the thing
 * itself (another commune's client, one that no longer exists) is its own readable page (403, 404).
 */
function formFaultOf(page: PageContext, error: unknown): { faults: ClientFormFaults; status: number } {
  if (error instanceof AppError && ['forbidden', 'not_found'].includes(error.kind) && typeof error.details.field !== 'string') throw error;
  const fault = faultOf(page, error);
  const field = fault.field === undefined ? undefined : (FORM_FIELD_OF[fault.field] ?? fault.field);
  return {
    faults: { fields: field ? { [field]: fault.message } : {}, summary: [fault.message] },
    status: STATUS_OF[(error as AppError).kind] ?? 400,
  };
}

/** Every value a form posted under `name` (checkboxes repeat it). */
function valuesOf(body: FormBody, name: string): string[] {
  const value = body[name];
  return (Array.isArray(value) ? (value as unknown[]) : [value]).filter((v): v is string => typeof v === 'string');
}

/** A whole number typed in a form, or the API's own refusal of that field when it is not one. */
function wholeNumberOf(value: string, field: string, code: 'client_secret_overlap_invalid' | 'registration_token_ttl_invalid'): number {
  if (!/^[0-9]{1,10}$/.test(value)) throw invalid(code, `${field}: a whole number`, { field });
  return Number(value);
}

function formValuesOf(body: FormBody): ClientFormValues {
  return {
    client_name: textField(body, 'client_name'),
    redirect_uris: textField(body, 'redirect_uris', 8000),
    post_logout_redirect_uris: textField(body, 'post_logout_redirect_uris', 8000),
    grant_types: valuesOf(body, 'grant_types'),
    token_endpoint_auth_method: textField(body, 'token_endpoint_auth_method'),
    scope: textField(body, 'scope'),
    subject_type: textField(body, 'subject_type'),
    default_acr_values: textField(body, 'default_acr_values'),
    backchannel_logout_uri: textField(body, 'backchannel_logout_uri', 2000),
    first_party: body.first_party !== undefined,
  };
}

/** createClient's body: what the form says, and nothing for what it leaves empty (the API's defaults). */
function creationOf(body: FormBody, values: ClientFormValues): Record<string, unknown> {
  return {
    client_name: values.client_name,
    redirect_uris: linesOf(body, 'redirect_uris'),
    post_logout_redirect_uris: linesOf(body, 'post_logout_redirect_uris'),
    ...(values.grant_types.length ? { grant_types: values.grant_types } : {}),
    ...(values.token_endpoint_auth_method ? { token_endpoint_auth_method: values.token_endpoint_auth_method } : {}),
    ...(values.scope ? { scope: values.scope } : {}),
    ...(values.subject_type ? { subject_type: values.subject_type } : {}),
    ...(values.default_acr_values ? { default_acr_values: [values.default_acr_values] } : {}),
    ...(values.backchannel_logout_uri ? { backchannel_logout_uri: values.backchannel_logout_uri } : {}),
    ...(values.first_party ? { first_party: true } : {}),
  };
}

/** updateClient's body (PATCH): the fields of the form of changes; an emptied optional one removes it. */
function changesOf(body: FormBody, values: ClientFormValues): Record<string, unknown> {
  return {
    client_name: values.client_name,
    redirect_uris: linesOf(body, 'redirect_uris'),
    post_logout_redirect_uris: linesOf(body, 'post_logout_redirect_uris'),
    scope: values.scope,
    backchannel_logout_uri: values.backchannel_logout_uri || null,
    default_acr_values: values.default_acr_values ? [values.default_acr_values] : null,
  };
}

const paramOf = (ctx: Context, name: string) => String((ctx.params as Record<string, unknown>)[name]);
const slugOf = (ctx: Context) => paramOf(ctx, 'slug');
const clientIdOf = (ctx: Context) => paramOf(ctx, 'clientId');

async function communeOf(deps: ConsoleDeps, ctx: Context): Promise<ClientsCommune> {
  const commune = (await deps.invoke('getCommune', ctx, { params: { slug: slugOf(ctx) } })).body as ClientsCommune;
  return { slug: commune.slug, name: commune.name };
}

async function clientOf(deps: ConsoleDeps, ctx: Context): Promise<ConsoleClient> {
  return (await deps.invoke('getClient', ctx, { params: { slug: slugOf(ctx), clientId: clientIdOf(ctx) } })).body as ConsoleClient;
}

/** The scopes of the commune's clients still waiting for the Métropole's decision, by client. */
async function pendingScopesOf(deps: ConsoleDeps, ctx: Context, slug: string): Promise<Map<string, string[]>> {
  const requests = (
    await deps.invoke('listScopeRequests', ctx, { query: { status: 'pending', limit: String(deps.config.operatorsApi.pageSize.max) } })
  ).body as PageOf<{ client_id: string; commune: string; scope: string }>;
  const byClient = new Map<string, string[]>();
  for (const request of requests.items.filter((r) => r.commune === slug)) {
    byClient.set(request.client_id, [...(byClient.get(request.client_id) ?? []), request.scope]);
  }
  return byClient;
}

function noticeOf(page: PageContext, ctx: Context): string | undefined {
  const done = ctx.query.done;
  return typeof done === 'string' && (NOTICES as readonly string[]).includes(done) ? page.t(`console.clients.done.${done}`) : undefined;
}

const frame = (deps: ConsoleDeps, ctx: Context, page: PageContext) => frameOf(deps, ctx, 'communes', { notice: noticeOf(page, ctx) });

async function showList(deps: ConsoleDeps, ctx: Context): Promise<void> {
  const commune = await communeOf(deps, ctx);
  const clients = (
    await deps.invoke('listClients', ctx, {
      params: { slug: commune.slug },
      query: { limit: String(deps.config.operatorsApi.pageSize.max) },
    })
  ).body as PageOf<ConsoleClient>;
  const pending = await pendingScopesOf(deps, ctx, commune.slug);
  const page = pageOf(deps, ctx);
  sendPage(
    ctx,
    consoleClientsPage(page, frame(deps, ctx, page), {
      commune,
      clients: clients.items.map((c) => ({ ...c, pending_scopes: pending.get(c.client_id) ?? [] })),
    }).toString(),
  );
}

/** The registration form: `glc client add`'s defaults (confidential, pairwise, openid profile email). */
const NEW_CLIENT: ClientFormValues = {
  client_name: '',
  redirect_uris: '',
  post_logout_redirect_uris: '',
  grant_types: ['authorization_code', 'refresh_token'],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: 'openid profile email',
  subject_type: 'pairwise',
  default_acr_values: '',
  backchannel_logout_uri: '',
  first_party: false,
};

function sendForm(
  deps: ConsoleDeps,
  ctx: Context,
  commune: ClientsCommune,
  values: ClientFormValues,
  refusal = { faults: NO_FAULTS, status: 200 },
) {
  const page = pageOf(deps, ctx);
  const offersFirstParty = isMetropoleAdmin(operatorOf(ctx).principal) || values.first_party;
  sendPage(
    ctx,
    consoleClientFormPage(page, frame(deps, ctx, page), {
      commune,
      values,
      faults: refusal.faults,
      choices: CHOICES,
      offersFirstParty,
    }).toString(),
    refusal.status,
  );
}

async function createClient(deps: ConsoleDeps, ctx: Context): Promise<void> {
  const body = requireCsrf(deps, ctx);
  const commune = await communeOf(deps, ctx);
  const values = formValuesOf(body);
  const page = pageOf(deps, ctx);
  let created: ConsoleClient & { client_secret?: string };
  try {
    created = (await deps.invoke('createClient', ctx, { params: { slug: commune.slug }, body: creationOf(body, values) }))
      .body as typeof created;
  } catch (error) {
    sendForm(deps, ctx, commune, values, formFaultOf(page, error));
    return;
  }
  const { client_secret: secret, ...client } = created;
  // Shown on this answer only: sendPage sends it with Cache-Control: no-store, and no later page carries it.
  sendPage(ctx, consoleClientSecretPage(page, frame(deps, ctx, page), { commune, client, secret, kind: 'created' }).toString());
}

async function sendClientPage(
  deps: ConsoleDeps,
  ctx: Context,
  client: ConsoleClient,
  form?: { values: ClientFormValues; faults: ClientFormFaults; status: number },
): Promise<void> {
  const commune = await communeOf(deps, ctx);
  const pending = await pendingScopesOf(deps, ctx, commune.slug);
  const page = pageOf(deps, ctx);
  sendPage(
    ctx,
    consoleClientPage(page, frame(deps, ctx, page), {
      commune,
      client,
      pendingScopes: pending.get(client.client_id) ?? [],
      values: form?.values ?? clientFormValuesOf(client),
      faults: form?.faults ?? NO_FAULTS,
      choices: CHOICES,
    }).toString(),
    form?.status ?? 200,
  );
}

async function updateClient(deps: ConsoleDeps, ctx: Context): Promise<void> {
  const body = requireCsrf(deps, ctx);
  const client = await clientOf(deps, ctx);
  const values = { ...clientFormValuesOf(client), ...formValuesOf(body), grant_types: client.grant_types, first_party: client.first_party };
  try {
    await deps.invoke('updateClient', ctx, { params: { slug: slugOf(ctx), clientId: client.client_id }, body: changesOf(body, values) });
  } catch (error) {
    await sendClientPage(deps, ctx, client, { values, ...formFaultOf(pageOf(deps, ctx), error) });
    return;
  }
  ctx.status = 303;
  ctx.redirect(`/admin/communes/${slugOf(ctx)}/clients/${client.client_id}?done=updated`);
}

const switchClient = (action: 'disable' | 'enable') => async (deps: ConsoleDeps, ctx: Context) => {
  requireCsrf(deps, ctx);
  await deps.invoke(`${action}Client`, ctx, { params: { slug: slugOf(ctx), clientId: clientIdOf(ctx) } });
  ctx.status = 303;
  ctx.redirect(`/admin/communes/${slugOf(ctx)}/clients/${clientIdOf(ctx)}?done=${action}d`);
};

async function confirmDeletion(deps: ConsoleDeps, ctx: Context): Promise<void> {
  const client = await clientOf(deps, ctx);
  const commune = await communeOf(deps, ctx);
  const page = pageOf(deps, ctx);
  sendPage(ctx, consoleClientDeletePage(page, frame(deps, ctx, page), { commune, client }).toString());
}

async function deleteClient(deps: ConsoleDeps, ctx: Context): Promise<void> {
  requireCsrf(deps, ctx);
  await deps.invoke('deleteClient', ctx, { params: { slug: slugOf(ctx), clientId: clientIdOf(ctx) } });
  ctx.status = 303;
  ctx.redirect(`/admin/communes/${slugOf(ctx)}/clients?done=deleted`);
}

/** The offered overlaps, the deployment's default among them. */
const overlapsOf = (deps: ConsoleDeps) =>
  [...new Set([...OVERLAPS, deps.config.operatorsApi.secretRotationOverlapSeconds])].sort((a, b) => a - b);

async function sendRotation(
  deps: ConsoleDeps,
  ctx: Context,
  client: ConsoleClient,
  form = { overlapSeconds: String(deps.config.operatorsApi.secretRotationOverlapSeconds), overlapDays: '', faults: NO_FAULTS, status: 200 },
): Promise<void> {
  const commune = await communeOf(deps, ctx);
  const page = pageOf(deps, ctx);
  sendPage(
    ctx,
    consoleClientRotatePage(page, frame(deps, ctx, page), { commune, client, overlaps: overlapsOf(deps), ...form }).toString(),
    form.status,
  );
}

async function showRotation(deps: ConsoleDeps, ctx: Context): Promise<void> {
  await sendRotation(deps, ctx, await clientOf(deps, ctx));
}

async function rotateSecret(deps: ConsoleDeps, ctx: Context): Promise<void> {
  const body = requireCsrf(deps, ctx);
  const client = await clientOf(deps, ctx);
  const overlapSeconds = textField(body, 'overlap_seconds');
  const overlapDays = textField(body, 'overlap_days');
  const page = pageOf(deps, ctx);
  let rotated: ConsoleClient & { client_secret: string; previous_secret_expires_at: string | null };
  try {
    // A number of days typed wins over the list; the API judges the overlap's bounds either way.
    // Nothing chosen: the API's default overlap.
    const seconds = overlapDays
      ? wholeNumberOf(overlapDays, 'overlap_days', 'client_secret_overlap_invalid') * DAY_SECONDS
      : overlapSeconds && wholeNumberOf(overlapSeconds, 'overlap_seconds', 'client_secret_overlap_invalid');
    rotated = (
      await deps.invoke('rotateClientSecret', ctx, {
        params: { slug: slugOf(ctx), clientId: client.client_id },
        body: seconds === '' ? {} : { overlap_seconds: seconds },
      })
    ).body as typeof rotated;
  } catch (error) {
    const refusal = formFaultOf(page, error);
    // The API names overlap_seconds; when the operator typed days, that is the field at fault.
    if (overlapDays && refusal.faults.fields.overlap_seconds) {
      refusal.faults = { ...refusal.faults, fields: { overlap_days: refusal.faults.fields.overlap_seconds } };
    }
    await sendRotation(deps, ctx, client, { overlapSeconds, overlapDays, ...refusal });
    return;
  }
  const { client_secret: secret, previous_secret_expires_at: previous, ...rest } = rotated;
  const commune = await communeOf(deps, ctx);
  sendPage(
    ctx,
    consoleClientSecretPage(page, frame(deps, ctx, page), {
      commune,
      client: rest,
      secret,
      kind: 'rotated',
      previousSecretExpiresAt: previous ? new Date(previous) : null,
    }).toString(),
  );
}

/** The token lives offered: within the deployment's bounds, its default among them. */
function livesOf(deps: ConsoleDeps): number[] {
  const bounds = deps.admin.registrationTokens.ttlSeconds;
  return [...new Set([...TOKEN_LIVES, bounds.default])].filter((s) => s >= bounds.min && s <= bounds.max).sort((a, b) => a - b);
}

async function showTokenForm(deps: ConsoleDeps, ctx: Context): Promise<void> {
  const commune = await communeOf(deps, ctx);
  const page = pageOf(deps, ctx);
  const ttlSeconds = String(deps.admin.registrationTokens.ttlSeconds.default);
  sendPage(
    ctx,
    consoleRegistrationTokenPage(page, frame(deps, ctx, page), { commune, lives: livesOf(deps), ttlSeconds, faults: NO_FAULTS }).toString(),
  );
}

async function issueToken(deps: ConsoleDeps, ctx: Context): Promise<void> {
  const body = requireCsrf(deps, ctx);
  const commune = await communeOf(deps, ctx);
  const ttlSeconds = textField(body, 'ttl_seconds');
  const page = pageOf(deps, ctx);
  const view = { commune, lives: livesOf(deps), ttlSeconds };
  let issued: { initial_access_token: string; expires_at: string; registration_endpoint: string };
  try {
    issued = (
      await deps.invoke('issueRegistrationToken', ctx, {
        params: { slug: commune.slug },
        // Nothing chosen: the API's default life.
        body: ttlSeconds ? { ttl_seconds: wholeNumberOf(ttlSeconds, 'ttl_seconds', 'registration_token_ttl_invalid') } : {},
      })
    ).body as typeof issued;
  } catch (error) {
    const refusal = formFaultOf(page, error);
    sendPage(
      ctx,
      consoleRegistrationTokenPage(page, frame(deps, ctx, page), { ...view, faults: refusal.faults }).toString(),
      refusal.status,
    );
    return;
  }
  sendPage(
    ctx,
    consoleRegistrationTokenPage(page, frame(deps, ctx, page), {
      ...view,
      faults: NO_FAULTS,
      issued: {
        token: issued.initial_access_token,
        expiresAt: new Date(issued.expires_at),
        registrationEndpoint: issued.registration_endpoint,
      },
    }).toString(),
  );
}

export function registerClientsPages(router: Router, deps: ConsoleDeps, { signedIn, forms }: ConsoleMiddleware): void {
  const base = '/communes/:slug/clients';
  const one = `${base}/:clientId`;
  router.get(base, signedIn, (ctx) => showList(deps, ctx));
  // The fixed paths before /:clientId, which would take them for a client's id.
  router.get(`${base}/new`, signedIn, async (ctx) => sendForm(deps, ctx, await communeOf(deps, ctx), NEW_CLIENT));
  router.post(base, forms, signedIn, (ctx) => createClient(deps, ctx));
  router.get(`${base}/registration-token`, signedIn, (ctx) => showTokenForm(deps, ctx));
  router.post(`${base}/registration-token`, forms, signedIn, (ctx) => issueToken(deps, ctx));
  router.get(one, signedIn, async (ctx) => sendClientPage(deps, ctx, await clientOf(deps, ctx)));
  router.post(one, forms, signedIn, (ctx) => updateClient(deps, ctx));
  router.post(`${one}/disable`, forms, signedIn, (ctx) => switchClient('disable')(deps, ctx));
  router.post(`${one}/enable`, forms, signedIn, (ctx) => switchClient('enable')(deps, ctx));
  router.get(`${one}/delete`, signedIn, (ctx) => confirmDeletion(deps, ctx));
  router.post(`${one}/delete`, forms, signedIn, (ctx) => deleteClient(deps, ctx));
  router.get(`${one}/secret`, signedIn, (ctx) => showRotation(deps, ctx));
  router.post(`${one}/secret`, forms, signedIn, (ctx) => rotateSecret(deps, ctx));
}
