// What every interaction step needs, and the interaction details read once per request.
import type { RouterContext } from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { Accounts } from '../accounts/index.js';
import type { Factors } from '../accounts/index.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { csrfCheckedForm, type Csrf, type FormBody, type Metrics, type RateLimiter } from '../http/index.js';
import type { Communes } from '../registry/index.js';
import type { Views, PageContext } from '../views/index.js';
import { FACE_STATE, faceInState, faceOf } from './commune-face.js';
import { pageContextOf } from './pages.js';

export interface InteractionDeps {
  provider: () => Provider;
  rememberConsent: (accountId: string, clientId: string, scope: string, claims: string[]) => Promise<void>;
  accounts: Accounts;
  factors: Factors;
  views: Views;
  csrf: Csrf;
  config: Pick<Config, 'passwordPolicy' | 'rateLimits' | 'http'>;
  metrics: Pick<Metrics, 'logins'>;
  rateLimiter: RateLimiter;
  communes: Pick<Communes, 'getCommune'>;
}

export type { Interaction };

/** The uid the path names (/interaction/:uid/…); empty outside the interaction routes. */
export function pathUid(ctx: Context): string {
  return (ctx as Partial<RouterContext>).params?.uid ?? '';
}

export interface ClientSummary {
  clientName: string;
  communeName: string;
}

/**
 * The interaction in progress; an expired or foreign one is a readable error, not a 500. Only the
 * library's SessionNotFound means that (no cookie, no stored interaction, its session gone or changed):
 * any other failure, a database that cannot be read first, goes on to the error handler (503).
 */
export async function loadInteraction(deps: InteractionDeps, ctx: Context): Promise<Interaction> {
  const expired = () => new AppError('interaction_expired', 'invalid', 'interaction expired or unknown');
  let interaction: Interaction;
  try {
    interaction = await deps.provider().interactionDetails(ctx.req, ctx.res);
  } catch (error) {
    if (error instanceof errors.SessionNotFound) throw expired();
    throw error;
  }
  if (interaction.uid !== pathUid(ctx)) throw expired();
  // The face of the site and commune the flow came from, for every page of this request (pageFor).
  const clientId = interaction.params.client_id;
  if (typeof clientId === 'string') {
    const client = await deps.provider().Client.find(clientId);
    (ctx.state as Record<string, unknown>)[FACE_STATE] = await faceOf(client, (slug) => deps.communes.getCommune(slug));
  }
  return interaction;
}

export function pageFor(deps: InteractionDeps, ctx: Context, interaction: Interaction): PageContext {
  const uiLocales = interaction.params.ui_locales;
  return { ...pageContextOf(deps.views, ctx, typeof uiLocales === 'string' ? uiLocales : undefined), face: faceInState(ctx) };
}

export async function clientSummary(deps: InteractionDeps, interaction: Interaction): Promise<ClientSummary> {
  const client = await deps.provider().Client.find(String(interaction.params.client_id));
  const extra = client as unknown as { commune_name?: string } | undefined;
  return { clientName: client?.clientName ?? String(interaction.params.client_id), communeName: extra?.commune_name ?? '' };
}

/** The form posted to the interaction `uid`, once its CSRF token is checked. */
export function requireCsrf(deps: InteractionDeps, ctx: Context, uid: string): FormBody {
  return csrfCheckedForm(deps.csrf, ctx, `interaction:${uid}`);
}
