import { createHmac } from 'node:crypto';
import Koa from 'koa';
import request from 'supertest';
import { createCsrf } from '../../src/http/csrf.js';
import { securityHeaders } from '../../src/http/security-headers.js';

const COOKIE_KEY = 'k'.repeat(43);

/** A tiny app that hands out a form token, and checks one posted back as ?token=. */
function formApp() {
  const csrf = createCsrf(COOKIE_KEY, false);
  const app = new Koa();
  app.use(async (ctx) => {
    ctx.body = ctx.path === '/form' ? csrf.token(ctx, 'purpose') : String(csrf.verify(ctx, 'purpose', ctx.query.token));
  });
  return app.callback();
}

describe('CSRF tokens', () => {
  it('are not an HMAC under the cookie-signing key, which must have one use only', async () => {
    const answer = await request(formApp()).get('/form');
    const binding = /glc\.csrf=([^;]+)/.exec(String(answer.headers['set-cookie']))![1]!;
    const underCookieKey = createHmac('sha256', COOKIE_KEY).update(`${binding}\u0000purpose`).digest('base64url');
    expect(answer.text).toMatch(/^[\w-]{43}$/);
    expect(answer.text).not.toBe(underCookieKey);
  });

  it('still verify for the browser they were given to, and only for it', async () => {
    const answer = await request(formApp()).get('/form');
    const cookie = String(answer.headers['set-cookie']).split(';')[0]!;
    expect((await request(formApp()).get('/check').query({ token: answer.text }).set('Cookie', cookie)).text).toBe('true');
    expect(
      (await request(formApp()).get('/check').query({ token: answer.text }).set('Cookie', 'glc.csrf=AAAAAAAAAAAAAAAAAAAAAAAA')).text,
    ).toBe('false');
  });
});

describe('HSTS', () => {
  const answerFor = (issuer: string) => {
    const app = new Koa();
    app.use(securityHeaders(issuer));
    app.use((ctx) => {
      ctx.body = 'ok';
    });
    return request(app.callback()).get('/');
  };

  it('covers every subdomain when the issuer is https', async () => {
    expect((await answerFor('https://connexion.grandlyon.example')).headers['strict-transport-security']).toBe(
      'max-age=31536000; includeSubDomains',
    );
  });

  it('is not sent by an http issuer (development), where browsers would ignore or mis-pin it', async () => {
    expect((await answerFor('http://localhost:3000')).headers['strict-transport-security']).toBeUndefined();
  });
});
