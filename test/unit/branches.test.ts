import Koa from 'koa';
import Router from '@koa/router';
import request from 'supertest';
import { branch, isUnder, under } from '../../src/http/branches.js';

/** An app shaped like app.ts: a protocol branch, a router under its prefix with a middleware of its own, a fallback. */
function anApp(ran: string[]) {
  const app = new Koa();
  const account = new Router({ prefix: '/account' });
  account.use(async (_ctx, next) => {
    ran.push('account middleware');
    await next();
  });
  account.get('/', (ctx) => {
    ctx.body = 'account';
  });
  app.use(
    branch(
      (path) => isUnder(path, '/token') || isUnder(path, '/auth'),
      [
        async (_ctx, next) => {
          ran.push('edge');
          await next();
        },
        (ctx) => {
          ran.push('provider');
          ctx.body = 'protocol';
        },
      ],
    ),
  );
  app.use(under(['/account'], [account.routes(), account.allowedMethods()]));
  app.use((ctx) => {
    ran.push('fallback');
    ctx.status = 404;
  });
  return app.callback();
}

describe('request branches', () => {
  it('sends a protocol path through its own steps only, to its last one, and never to a router', async () => {
    const ran: string[] = [];
    const answer = await request(anApp(ran)).post('/token');
    expect({ status: answer.status, body: answer.text, ran }).toEqual({ status: 200, body: 'protocol', ran: ['edge', 'provider'] });
  });

  it('runs a router, its middleware included, only under its prefix', async () => {
    const ran: string[] = [];
    await request(anApp(ran)).get('/account');
    expect(ran).toEqual(['account middleware']);
    ran.length = 0;
    await request(anApp(ran)).get('/accountant');
    expect(ran).toEqual(['fallback']);
  });

  it('counts a path below a prefix as under it, and a longer name beside it as not', () => {
    expect([isUnder('/auth', '/auth'), isUnder('/auth/abc', '/auth'), isUnder('/authz', '/auth'), isUnder('/', '/auth')]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
