// The library's rendering hooks, each handing our pages (interactions/pages.ts) what they draw: its error,
// and the forms of logout, the device flow and response_mode=form_post, read from its arguments and
// context (provider-forms.ts), never from its HTML. Every answer our pages draw is noted: an HTML answer
// none of them drew is a self-submitting form the library drew itself, and our page takes its place.
// The logout's pages name the client that asked it (ctx.oidc.client): they wear that site's face.
// A session opened through FranceConnect signs out there too (upstreamSessions), then comes back to go on.
import type { Context } from 'koa';
import Provider, { type Configuration, type ErrorOut, type KoaContextWithOIDC } from 'oidc-provider';
import {
  authorizationResponseForm,
  authorizationResponseStatus,
  formDrawnByTheLibrary,
  logoutForm,
  userCodeConfirmForm,
  userCodeInputForm,
  type ProviderForm,
  type UserCodeForm,
} from './provider-forms.js';

/**
 * Sessions opened through an upstream provider (FranceConnect, federation/): told which session a resumed
 * sign-in opened, and asked where a browser whose whole session just ended goes first (the upstream's own
 * logout, which sends it back to `continueTo`); undefined: straight on.
 */
export interface UpstreamSessions {
  signedIn(interactionUid: string, sessionUid: string, accountId: string): Promise<void>;
  logoutDetour(sessionUid: string, continueTo: string): Promise<string | undefined>;
}

/** The pages the library lets us draw (ours are French first and accessible); implemented by interactions/. */
/** The error and logout pages may wait (to tell an outage from a refusal, to read the face of the site that asked); the others are drawn synchronously. */
export interface ProviderPages {
  error(ctx: KoaContextWithOIDC, out: ErrorOut, error: Error): Promise<void>;
  logout(ctx: KoaContextWithOIDC, form: ProviderForm): void | Promise<void>;
  logoutDone(ctx: KoaContextWithOIDC): void | Promise<void>;
  deviceInput(ctx: KoaContextWithOIDC, form: UserCodeForm, out?: ErrorOut, error?: Error): void;
  deviceConfirm(ctx: KoaContextWithOIDC, form: ProviderForm, clientName: string, userCode: string): void;
  deviceSuccess(ctx: KoaContextWithOIDC): void;
  /** A path nobody serves: a readable page for a person, an error object for a program. */
  notFound(ctx: Context): void;
  /** A form the browser posts on by itself (with a button when JavaScript is off). */
  selfSubmittingForm(ctx: Context, form: ProviderForm): void;
  /** The logout's first page after a session opened upstream: that upstream's logout (FranceConnect configured). */
  upstreamSessions?: UpstreamSessions | undefined;
}

type Features = NonNullable<Configuration['features']>;
type ResponseMode = Parameters<Provider['registerResponseMode']>[1];

export interface RenderingHooks {
  renderError: NonNullable<Configuration['renderError']>;
  deviceFlow: Pick<NonNullable<Features['deviceFlow']>, 'userCodeInputSource' | 'userCodeConfirmSource' | 'successSource'>;
  rpInitiatedLogout: Pick<NonNullable<Features['rpInitiatedLogout']>, 'logoutSource' | 'postLogoutSuccessSource'>;
  /** The form_post response mode, in the library's place (providerClass). */
  formPost: ResponseMode;
  /** Once the library answered: a page for a path nobody serves, ours for a form it drew itself. */
  afterAnswer(ctx: Context): void;
  /** Once the library answered, after afterAnswer: a resumed sign-in's session told upstream, a whole logout sent there first. */
  afterUpstream(ctx: Context): Promise<void>;
}

/**
 * Signing out of everything, the library leaves the client that asked out of its way to the "signed out"
 * page (lib/actions/end_session.js forwards client_id only to one who stays signed in elsewhere): it is put
 * back, so that page wears that site's face too. The client is the one the logout's session recorded, never
 * one the request names; a logout that goes back to the site (post_logout_redirect_uri) is left alone.
 */
function signedOutPageNamesItsClient(ctx: Context): void {
  const { oidc } = ctx as Partial<KoaContextWithOIDC>;
  if (oidc?.route !== 'end_session_confirm' || ctx.status !== 303 || !oidc.client) return;
  const success = new URL(oidc.urlFor('end_session_success'));
  const location = new URL(ctx.response.get('location'), success);
  if (location.origin !== success.origin || location.pathname !== success.pathname || location.searchParams.has('client_id')) return;
  location.searchParams.set('client_id', oidc.client.clientId);
  ctx.redirect(location.href);
  ctx.status = 303;
}

/**
 * A sign-in resumed into a session: the upstream sign-in of that interaction (if any) now belongs to the session.
 * A whole logout (logout=yes: the session destroyed) whose session was opened upstream goes there first; where
 * the library was sending the browser (the site's post_logout_redirect_uri with its state, or our page) is where
 * the upstream's answer leads on.
 */
async function upstreamSessionHooks(ctx: Context, sessions: UpstreamSessions): Promise<void> {
  const { oidc } = ctx as Partial<KoaContextWithOIDC>;
  const session = oidc?.session;
  if (!oidc || !session?.uid) return;
  // The interaction resumed is the path's (/auth/:uid): the library's Interaction entity is by then the next prompt's.
  const resumed = (ctx as { params?: { uid?: unknown } }).params?.uid;
  if (oidc.route === 'resume' && session.accountId && typeof resumed === 'string') {
    await sessions.signedIn(resumed, session.uid, session.accountId);
    return;
  }
  if (oidc.route !== 'end_session_confirm' || ctx.status !== 303 || !oidc.params?.logout) return;
  const detour = await sessions.logoutDetour(session.uid, ctx.response.get('location'));
  if (!detour) return;
  ctx.redirect(detour);
  ctx.status = 303;
}

export function createRenderingHooks(pages: ProviderPages): RenderingHooks {
  const drawn = new WeakSet<Context>();
  const noted = <C extends Context>(ctx: C): C => {
    drawn.add(ctx);
    return ctx;
  };
  return {
    renderError: (ctx, out, error) => pages.error(noted(ctx), out, error),
    deviceFlow: {
      userCodeInputSource: (ctx, _form, out, error) => pages.deviceInput(noted(ctx), userCodeInputForm(ctx, error), out, error),
      userCodeConfirmSource: (ctx, _form, client, _deviceInfo, userCode) =>
        pages.deviceConfirm(noted(ctx), userCodeConfirmForm(ctx), client.clientName ?? client.clientId, userCode),
      successSource: (ctx) => pages.deviceSuccess(noted(ctx)),
    },
    rpInitiatedLogout: {
      logoutSource: (ctx) => pages.logout(noted(ctx), logoutForm(ctx)),
      postLogoutSuccessSource: (ctx) => pages.logoutDone(noted(ctx)),
    },
    formPost(ctx, redirectUri, parameters) {
      ctx.status = authorizationResponseStatus(ctx.status, parameters);
      pages.selfSubmittingForm(noted(ctx), authorizationResponseForm(redirectUri, parameters));
    },
    afterAnswer(ctx) {
      signedOutPageNamesItsClient(ctx);
      if (ctx.status === 404 && ctx.body === undefined) pages.notFound(noted(ctx));
      const form = drawn.has(ctx) ? undefined : formDrawnByTheLibrary(ctx);
      if (form) pages.selfSubmittingForm(ctx, form);
    },
    afterUpstream: (ctx) => (pages.upstreamSessions ? upstreamSessionHooks(ctx, pages.upstreamSessions) : Promise.resolve()),
  };
}

/**
 * The library registers its response modes while it is built and keeps the first handler of a name: a
 * Provider whose registerResponseMode puts ours in the place of its form_post is how an answer's redirect
 * URI and parameters (a code or an error) reach our page as values.
 */
export function providerClass(formPost: ResponseMode): typeof Provider {
  return class extends Provider {
    override registerResponseMode(name: string, handler: ResponseMode): void {
      super.registerResponseMode(name, name === 'form_post' ? formPost : handler);
    }
  };
}
