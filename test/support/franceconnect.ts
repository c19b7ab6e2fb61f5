// A FranceConnect stand-in, faithful to what the real one does for a service provider (its core runs on
// oidc-provider too: france-connect/sources): a real oidc-provider instance on its own HTTP server and port, its own
// keys (ES256, as FranceConnect v2 signs), the identity pivot as claims named as its scopes, acr eidas1, userinfo as
// a signed JWT, client_secret_post at its token endpoint, and RP-initiated logout. Its login has no page: the test
// chooses who signs in (or that the citizen refuses, or that it answers an error), and the stand-in's
// interaction route finishes with that at once. It can also break its answers the ways a test needs: an ID
// token whose signature is wrong, or no answer at all (stopped).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import { freePort } from './server.js';

export interface FranceConnectCitizen {
  sub: string;
  claims: Record<string, unknown>;
}

/** What the stand-in answers to the next authorization. */
/**
 * What the stand-in answers to the next authorization. `authTimeSecondsAgo`: the sign-in it reports happened that long
 * ago (an upstream that let an old session stand for the new authentication a request asked).
 */
export type Decision = { signIn: string; acr?: string; authTimeSecondsAgo?: number } | { refuse: 'access_denied' } | { error: string };

export interface FranceConnectStandIn {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The FRANCECONNECT_* variables naming this stand-in. */
  env: Record<string, string>;
  /** Registers our callbacks as its client's (once GrandLyonConnect's issuer is known). */
  trust(glcIssuer: string): Promise<void>;
  addCitizen(citizen: FranceConnectCitizen): void;
  /** The answer to every authorization from now on. */
  decide(decision: Decision): void;
  /** While true, the ID tokens of its token endpoint carry a signature its keys did not make. */
  tamperIdTokens: boolean;
  /** The subs whose session here a logout ended, in order. */
  endedSessions: string[];
  /** Follows an authorization on the stand-in in a browser of its own (new at each one); answers where it sends the browser away. */
  follow(url: string): Promise<string>;
  /** Ends a session here as FranceConnect's logout page does: answers where it sends the browser back. */
  logOut(url: string): Promise<string>;
  stop(): Promise<void>;
}

const PIVOT_SCOPES = ['given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email', 'preferred_username'];

/** Flips a bit of an ID token's signature: its header and payload stay readable, its signature fails. */
function tampered(idToken: string): string {
  const [header, payload, signature = ''] = idToken.split('.');
  const bytes = Buffer.from(signature, 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}

function tamperTokenResponse(res: ServerResponse): void {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  (res as { end: unknown }).end = (chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk)) return end(chunk, ...rest);
    const body = JSON.parse(chunk.toString()) as { id_token?: string };
    if (body.id_token) body.id_token = tampered(body.id_token);
    const text = JSON.stringify(body);
    res.setHeader('content-length', Buffer.byteLength(text));
    return end(text, ...rest);
  };
}

class CookieJar {
  private readonly cookies = new Map<string, string>();
  header = () => [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0|expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

export async function startFranceConnectStandIn(): Promise<FranceConnectStandIn> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'grandlyonconnect-at-franceconnect';
  const clientSecret = 'a-client-secret-of-the-stand-in-0123456789';
  const citizens = new Map<string, Record<string, unknown>>();
  const endedSessions: string[] = [];
  // A new browser at each authorization (so the citizen decided next signs in, not the last one's session); kept
  // for the logout that follows.
  let jar = new CookieJar();
  let decision: Decision = { refuse: 'access_denied' };
  let provider: Provider | undefined;

  const es256 = await generateKeyPair('ES256', { extractable: true });
  const rs256 = await generateKeyPair('RS256', { extractable: true });
  const keys = [
    { ...(await exportJWK(es256.privateKey)), kid: 'fc-es256', alg: 'ES256', use: 'sig' },
    { ...(await exportJWK(rs256.privateKey)), kid: 'fc-rs256', alg: 'RS256', use: 'sig' },
  ];

  async function interaction(req: IncomingMessage, res: ServerResponse, current: Provider): Promise<void> {
    const details = await current.interactionDetails(req, res);
    if ('refuse' in decision || 'error' in decision) {
      const error = 'refuse' in decision ? decision.refuse : decision.error;
      await current.interactionFinished(
        req,
        res,
        { error, error_description: 'the stand-in was told so' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const accountId = decision.signIn;
    const grant = new current.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await current.interactionFinished(
      req,
      res,
      {
        login: {
          accountId,
          acr: decision.acr ?? 'eidas1',
          amr: ['pwd'],
          ...(decision.authTimeSecondsAgo === undefined ? {} : { ts: Math.floor(Date.now() / 1000) - decision.authTimeSecondsAgo }),
        },
        consent: { grantId },
      },
      { mergeWithLastSubmission: false },
    );
  }

  const server: Server = createServer((req, res) => {
    const current = provider;
    if (!current) {
      res.statusCode = 503;
      res.end();
      return;
    }
    if (req.url?.startsWith('/interaction/')) {
      interaction(req, res, current).catch(() => {
        res.statusCode = 500;
        res.end();
      });
      return;
    }
    if (standIn.tamperIdTokens && req.method === 'POST' && req.url === '/token') tamperTokenResponse(res);
    void current.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  const standIn: FranceConnectStandIn = {
    issuer,
    clientId,
    clientSecret,
    env: { FRANCECONNECT_ISSUER: issuer, FRANCECONNECT_CLIENT_ID: clientId, FRANCECONNECT_CLIENT_SECRET: clientSecret },
    tamperIdTokens: false,
    endedSessions,
    async trust(glcIssuer) {
      const configuration: Configuration = {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [`${glcIssuer}/franceconnect/callback`],
            post_logout_redirect_uris: [`${glcIssuer}/franceconnect/logout-callback`],
            response_types: ['code'],
            grant_types: ['authorization_code'],
            token_endpoint_auth_method: 'client_secret_post',
            id_token_signed_response_alg: 'ES256',
            userinfo_signed_response_alg: 'ES256',
          },
        ],
        jwks: { keys },
        findAccount: (_ctx, sub) => {
          const claims = citizens.get(sub);
          return claims ? { accountId: sub, claims: () => ({ sub, ...claims }) } : undefined;
        },
        scopes: ['openid', ...PIVOT_SCOPES],
        claims: {
          openid: ['sub'],
          ...Object.fromEntries(PIVOT_SCOPES.map((scope) => [scope, [scope]])),
          email: ['email', 'email_verified'],
        },
        acrValues: ['eidas1', 'eidas2', 'eidas3'],
        pkce: { required: () => true },
        interactions: { url: (_ctx, details) => `/interaction/${details.uid}` },
        features: {
          devInteractions: { enabled: false },
          jwtUserinfo: { enabled: true },
          rpInitiatedLogout: {
            enabled: true,
            logoutSource: (ctx, form) => {
              ctx.body = `<!DOCTYPE html><title>FranceConnect</title>${form}`;
            },
          },
        },
        cookies: { keys: ['the-stand-in-cookie-key-0123456789'] },
      };
      provider = new Provider(issuer, configuration);
      provider.on('end_session.success', (ctx) => {
        const accountId = ctx.oidc.session?.accountId;
        if (accountId) endedSessions.push(accountId);
      });
    },
    addCitizen: ({ sub, claims }) => void citizens.set(sub, claims),
    decide(next) {
      decision = next;
    },
    async follow(url) {
      if (new URL(url).pathname === '/auth') jar = new CookieJar();
      let current = url;
      for (let hops = 0; hops < 10; hops++) {
        if (!current.startsWith(issuer)) return current;
        const response = await fetch(current, { headers: { cookie: jar.header() }, redirect: 'manual' });
        jar.keep(response);
        const location = response.headers.get('location');
        if (!location) throw new Error(`the stand-in answered ${response.status} at ${current}`);
        current = new URL(location, current).toString();
      }
      throw new Error('the stand-in redirected too many times');
    },
    async logOut(url) {
      const page = await fetch(url, { headers: { cookie: jar.header() }, redirect: 'manual' });
      jar.keep(page);
      const html = await page.text();
      const action = /action="([^"]+)"/.exec(html)?.[1];
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
      if (!action || !xsrf) throw new Error(`no logout form at the stand-in: ${page.status} ${html.slice(0, 200)}`);
      const confirmed = await fetch(new URL(action, url), {
        method: 'POST',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
        redirect: 'manual',
      });
      jar.keep(confirmed);
      const location = confirmed.headers.get('location');
      if (!location) throw new Error(`the stand-in's logout answered ${confirmed.status}`);
      return new URL(location, url).toString();
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return standIn;
}

/**
 * A world whose provider has FranceConnect configured to a stand-in of its own (`start` gets the environment that
 * names it), the stand-in trusting that provider's redirect URIs; both stop together.
 */
export async function withFranceConnect<W extends { server: { issuer: string }; stop(): Promise<void> }>(
  start: (env: Record<string, string>) => Promise<W>,
): Promise<W & { franceConnect: FranceConnectStandIn }> {
  const franceConnect = await startFranceConnectStandIn();
  let started: W;
  try {
    started = await start(franceConnect.env);
    await franceConnect.trust(started.server.issuer);
  } catch (error) {
    await franceConnect.stop();
    throw error;
  }
  return {
    ...started,
    franceConnect,
    async stop() {
      await started.stop();
      await franceConnect.stop();
    },
  };
}
