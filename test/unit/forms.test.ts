import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import request from 'supertest';
import { AppError } from '../../src/errors.js';
import { createCsrf } from '../../src/http/csrf.js';
import { csrfCheckedForm, FIELD_LIMITS, formOf, queryField, secretField, textField } from '../../src/http/forms.js';
import type { Context } from 'koa';

describe('the form reader', () => {
  it('reads a text field cut at its limit, then trimmed', () => {
    expect(textField({ email: `  ${'a'.repeat(300)}` }, 'email', FIELD_LIMITS.email)).toBe('a'.repeat(252));
    expect(textField({ name: '  Ada  ' }, 'name')).toBe('Ada');
  });

  it('cuts an unnamed field at the default text limit', () => {
    expect(textField({ note: 'x'.repeat(FIELD_LIMITS.text + 10) }, 'note')).toHaveLength(FIELD_LIMITS.text);
  });

  it('answers an empty string for a missing field, an array or an object instead of a string', () => {
    expect(textField({}, 'email')).toBe('');
    expect(textField({ email: ['a@b.fr', 'c@d.fr'] }, 'email')).toBe('');
    expect(secretField({ password: { $gt: '' } }, 'password')).toBe('');
  });

  it('keeps a password whole: neither trimmed nor cut', () => {
    const password = ` ${'p'.repeat(5000)} `;
    expect(secretField({ password }, 'password')).toBe(password);
  });

  it('reads a query parameter like a field: cut at its limit, and empty when given twice', () => {
    const withQuery = (query: Record<string, string | string[]>) => ({ query }) as unknown as Context;
    expect(queryField(withQuery({ token: 't'.repeat(FIELD_LIMITS.token + 50) }), 'token', FIELD_LIMITS.token)).toHaveLength(
      FIELD_LIMITS.token,
    );
    expect(queryField(withQuery({ token: ['a', 'b'] }), 'token', FIELD_LIMITS.token)).toBe('');
    expect(queryField(withQuery({}), 'email', FIELD_LIMITS.email)).toBe('');
  });

  it('reads a request without a form as an empty one', () => {
    expect(formOf({ request: {} } as Context)).toEqual({});
    expect(formOf({ request: { body: 'text' } } as unknown as Context)).toEqual({});
  });
});

describe('the one CSRF check', () => {
  /** An app that draws a token for `purpose` on GET and answers the checked form's `name` on POST, or the error's code. */
  function formApp() {
    const csrf = createCsrf('k'.repeat(43), false);
    const app = new Koa();
    app.use(bodyParser({ enableTypes: ['form'] }));
    app.use(async (ctx) => {
      if (ctx.method === 'GET') {
        ctx.body = csrf.token(ctx, 'purpose');
        return;
      }
      try {
        ctx.body = textField(csrfCheckedForm(csrf, ctx, String(ctx.query.purpose ?? 'purpose')), 'name');
      } catch (error) {
        ctx.status = error instanceof AppError && error.kind === 'forbidden' ? 403 : 500;
        ctx.body = error instanceof AppError ? error.code : 'other';
      }
    });
    return request.agent(app.callback());
  }

  it('hands on the form when its token was drawn for the same purpose in this browser', async () => {
    const agent = formApp();
    const token = (await agent.get('/')).text;
    const answer = await agent.post('/').type('form').send({ _csrf: token, name: ' Ada ' });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('Ada');
  });

  it('refuses with the csrf error a missing token, one for another purpose, and one from another browser', async () => {
    const agent = formApp();
    const token = (await agent.get('/')).text;
    for (const sent of [
      agent.post('/').type('form').send({ name: 'Ada' }),
      agent.post('/?purpose=other').type('form').send({ _csrf: token, name: 'Ada' }),
      formApp().post('/').type('form').send({ _csrf: token, name: 'Ada' }),
    ]) {
      const answer = await sent;
      expect([answer.status, answer.text]).toEqual([403, 'csrf']);
    }
  });
});
