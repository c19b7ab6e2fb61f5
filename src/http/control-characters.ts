// Control characters are refused at the edge, before any route, the provider or the database sees them
// (Postgres text cannot hold U+0000: a NUL reaching a query was a 500). The rule:
//   - paths: no C0 control and no DEL at all;
//   - query strings, form fields and JSON strings: no C0 control but tab, line feed and carriage return
//     (a pretty-printed `claims` parameter, a multi-line text field), no DEL.
// Node's HTTP parser already refuses them in headers. Bodies of the types our routes read (forms, JSON)
// are read here once and replayed to the route's own parser (http/replayed-request).
import type { Middleware } from 'koa';
import { invalid } from '../errors.js';
import { readBody, replayedRequest } from './replayed-request.js';

const IN_PATH = /[\u0000-\u001f\u007f]/;
const IN_VALUE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const ENCODED_IN_PATH = /%(?:[01][0-9a-f]|7f)/i;

/** Bodies we inspect; any other type is refused or ignored by every route, so it is left alone. */
const INSPECTED = ['application/x-www-form-urlencoded', 'json', '+json'];

const refusal = (where: string) => invalid('invalid_request', `control characters are not allowed in the ${where}`);

function hasControlInPairs(encoded: string): boolean {
  for (const [name, value] of new URLSearchParams(encoded)) {
    if (IN_VALUE.test(name) || IN_VALUE.test(value)) return true;
  }
  return false;
}

function hasControlInJson(text: string): boolean {
  let found = false;
  try {
    JSON.parse(text, (key, value: unknown) => {
      if (IN_VALUE.test(key) || (typeof value === 'string' && IN_VALUE.test(value))) found = true;
      return value;
    });
  } catch {
    return false; // not JSON: the route's parser answers that with its own 400
  }
  return found;
}

export function refuseControlCharacters(options: { maxBodyBytes: number }): Middleware {
  return async (ctx, next) => {
    if (IN_PATH.test(ctx.path) || ENCODED_IN_PATH.test(ctx.path)) throw refusal('path');
    if (hasControlInPairs(ctx.querystring)) throw refusal('query');
    const type = ctx.request.is(INSPECTED);
    if (type && ctx.req.readable && ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      const body = await readBody(ctx.req, options.maxBodyBytes);
      const text = body.toString('utf8');
      if (text.includes('\u0000')) throw refusal('body');
      if (type === 'application/x-www-form-urlencoded' ? hasControlInPairs(text) : hasControlInJson(text)) throw refusal('body');
      ctx.req = ctx.request.req = ctx.response.req = replayedRequest(ctx.req, body);
    }
    await next();
  };
}
