// The fields of our pages' forms, read defensively (strings only, cut at a named limit, trimmed), and the one
// CSRF check every form passes before any field is read.
import type { Context } from 'koa';
import { AppError } from '../errors.js';
import type { Csrf } from './csrf.js';

export type FormBody = Record<string, unknown>;

/** How many characters of each kind of field are read: a longer value is cut there, then trimmed. */
export const FIELD_LIMITS = {
  /** Any other field. */
  text: 500,
  /** An address to look up (sign-in, forgotten password): the longest that RFC 5321 allows. */
  email: 254,
  /** An address to keep (registration, a new address): not cut at 254, so a longer one is refused as such, not shortened into another. */
  newEmail: 1000,
  /** A given or a family name. */
  name: 200,
  streetAddress: 200,
  /** A site's client_id, as the registry makes them. */
  clientId: 200,
  /** The token of an emailed link or an invitation, a session's uid. */
  token: 100,
  /** A commune's slug, as long as the registry allows. */
  communeSlug: 63,
  phoneNumber: 40,
  postalCode: 10,
  locality: 100,
} as const;

/** The parsed form of a request, or an empty one when the request carried none. */
export function formOf(ctx: Context): FormBody {
  const body: unknown = ctx.request.body;
  return body !== null && typeof body === 'object' ? (body as FormBody) : {};
}

/** A text field: '' when absent or not a string, else cut at `maxLength` characters and trimmed. */
export function textField(body: FormBody, name: string, maxLength: number = FIELD_LIMITS.text): string {
  const value = body[name];
  return typeof value === 'string' ? value.slice(0, maxLength).trim() : '';
}

/** A parameter of the query string (a link's token, an address to prefill), read like a text field: '' when absent or repeated. */
export function queryField(ctx: Context, name: string, maxLength: number = FIELD_LIMITS.text): string {
  return textField(ctx.query, name, maxLength);
}

/** A password, neither trimmed nor cut: an oversized one must be refused as such, not silently shortened. */
export function secretField(body: FormBody, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

/** The form, once its `_csrf` field is the token drawn for `purpose` in this browser; else a 403. */
export function csrfCheckedForm(csrf: Csrf, ctx: Context, purpose: string): FormBody {
  const body = formOf(ctx);
  if (!csrf.verify(ctx, purpose, body._csrf)) throw new AppError('csrf', 'forbidden', 'CSRF token missing or wrong');
  return body;
}
