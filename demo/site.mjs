// A commune's website as a commune developer would write it with openid-client: sign-in with the code flow
// (PKCE and state), the citizen's claims, sign-out through GrandLyonConnect (RP-initiated logout), and the
// back-channel logout endpoint through which GrandLyonConnect ends this site's sessions when the citizen
// signs out elsewhere. Sessions live in memory: enough for a demo, a real site uses its session store.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';

const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * Serves one commune's site on `port` (on 127.0.0.1 and ::1, so that `http://NAME.localhost:PORT` answers
 * whichever the browser tries). Answers its origin and a `close()`.
 */
export async function startSite({ slug, title, origin, port, issuer, clientId, clientSecret, otherSite }) {
  const config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.ClientSecretBasic(clientSecret), {
    // The demo's provider is plain http on localhost; openid-client refuses that unless told. NEVER in production.
    execute: [oidc.allowInsecureRequests],
  });
  const keys = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
  const cookieName = `${slug}_session`;
  const logins = new Map(); // cookie → the sign-in under way
  const sessions = new Map(); // cookie → { sub, sid, claims, userinfo, idToken }
  const endedByProvider = new Set(); // cookies whose session a back-channel logout ended, to say so once

  const cookieOf = (request) => new RegExp(`(?:^|;\\s*)${cookieName}=([\\w-]+)`).exec(request.headers.cookie ?? '')?.[1];
  const setCookie = (id) => `${cookieName}=${id}; HttpOnly; SameSite=Lax; Path=/`;

  async function signIn(response) {
    const login = { id: randomUUID(), verifier: oidc.randomPKCECodeVerifier(), state: oidc.randomState() };
    logins.set(login.id, login);
    const to = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${origin}/callback`,
      scope: 'openid profile email',
      code_challenge: await oidc.calculatePKCECodeChallenge(login.verifier),
      code_challenge_method: 'S256',
      state: login.state,
      ui_locales: 'fr',
    });
    response.writeHead(303, { location: to.href, 'set-cookie': setCookie(login.id) }).end();
  }

  async function callback(url, cookie, response) {
    const login = logins.get(cookie);
    logins.delete(cookie);
    if (!login) return page(response, 400, '<p>Aucune connexion en cours sur ce site.</p><p><a href="/">Accueil</a></p>');
    const tokens = await oidc.authorizationCodeGrant(config, url, { pkceCodeVerifier: login.verifier, expectedState: login.state });
    const claims = tokens.claims();
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    const id = randomUUID(); // a new cookie once signed in
    sessions.set(id, { sub: claims.sub, sid: claims.sid, claims, userinfo, idToken: tokens.id_token });
    response.writeHead(303, { location: '/', 'set-cookie': setCookie(id) }).end();
  }

  function signOut(cookie, response) {
    const session = sessions.get(cookie);
    sessions.delete(cookie);
    if (!session) return response.writeHead(303, { location: '/' }).end();
    const to = oidc.buildEndSessionUrl(config, { id_token_hint: session.idToken, post_logout_redirect_uri: `${origin}/` });
    response.writeHead(303, { location: to.href }).end();
  }

  // OpenID Connect Back-Channel Logout 1.0 §2.6: a logout token signed by the provider, for this client,
  // with the back-channel event, a sid (this client asked for it) and no nonce. Then every session of that
  // provider session ends here.
  async function backchannelLogout(body, response) {
    try {
      const token = new URLSearchParams(body).get('logout_token') ?? '';
      const { payload } = await jwtVerify(token, keys, { issuer: config.serverMetadata().issuer, audience: clientId, maxTokenAge: '5m' });
      if (!payload.events?.[BACKCHANNEL_EVENT] || typeof payload.sid !== 'string' || 'nonce' in payload)
        throw new Error('not a logout token');
      for (const [cookie, session] of sessions) {
        if (session.sid === payload.sid) {
          sessions.delete(cookie);
          endedByProvider.add(cookie);
        }
      }
      response.writeHead(200, { 'cache-control': 'no-store' }).end();
    } catch {
      response.writeHead(400, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end('{"error":"invalid_request"}');
    }
  }

  function home(cookie, response) {
    const session = sessions.get(cookie);
    const ended = endedByProvider.delete(cookie);
    if (!session) {
      return page(
        response,
        200,
        (ended ? '<p role="status">GrandLyonConnect a mis fin à votre session : vous vous êtes déconnecté sur un autre site.</p>' : '') +
          '<p>Vous n’êtes pas connecté.</p><p><a href="/login">Se connecter avec GrandLyonConnect</a></p>',
      );
    }
    const rows = (claims) =>
      Object.entries(claims)
        .map(([name, value]) => `<tr><th scope="row">${escape(name)}</th><td>${escape(JSON.stringify(value))}</td></tr>`)
        .join('');
    return page(
      response,
      200,
      `<p>Connecté en tant que ${escape(session.userinfo.given_name ?? session.userinfo.email)}.</p>
<p>Votre identifiant sur ce site (<code>sub</code>) : <code id="sub">${escape(session.sub)}</code></p>
<form method="post" action="/logout"><button>Se déconnecter</button></form>
<h2>Ce que ${escape(title)} a reçu</h2>
<table><caption>Informations du compte (userinfo)</caption>${rows(session.userinfo)}</table>
<table><caption>Jeton d’identité (ID token)</caption>${rows(session.claims)}</table>`,
    );
  }

  function page(response, status, body) {
    response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escape(title)} (démo)</title></head>
<body><header><p><strong>${escape(title)}</strong> · site de démonstration · <a href="${escape(otherSite.origin)}/">${escape(otherSite.title)}</a></p></header>
<main><h1>${escape(title)}</h1>${body}</main></body></html>`);
  }

  async function route(request, response) {
    const url = new URL(request.url ?? '/', origin);
    const cookie = cookieOf(request);
    if (url.pathname === '/login') return signIn(response);
    if (url.pathname === '/callback') return callback(url, cookie, response);
    if (url.pathname === '/logout' && request.method === 'POST') return signOut(cookie, response);
    if (url.pathname === '/backchannel-logout' && request.method === 'POST') return backchannelLogout(await bodyOf(request), response);
    if (url.pathname === '/') return home(cookie, response);
    return page(response, 404, '<p>Page introuvable.</p>');
  }

  const handler = (request, response) => {
    route(request, response).catch((error) => {
      // A refused sign-in (access_denied, a replayed code, a wrong state) throws: tell the visitor, keep serving.
      const reason = error instanceof oidc.AuthorizationResponseError ? error.error : error.message;
      page(response, 400, `<p>Connexion refusée : ${escape(reason)}</p><p><a href="/">Accueil</a></p>`);
    });
  };
  const servers = await Promise.all(['127.0.0.1', '::1'].map((host) => listen(createServer(handler), port, host)));
  return {
    origin,
    close: () => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve).closeAllConnections()))),
  };
}

/** Listens on `host`; a machine without IPv6 loopback simply has no ::1 server. */
function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', (error) => (host === '::1' && error.code === 'EADDRNOTAVAIL' ? resolve(server) : reject(error)));
    server.listen(port, host, () => resolve(server));
  });
}

async function bodyOf(request) {
  let body = '';
  for await (const chunk of request) {
    body += chunk;
    if (body.length > 16_384) throw new Error('body too large');
  }
  return body;
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
