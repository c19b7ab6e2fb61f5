// The operators' API reads a request part against its schema: the strings of the path and the query become
// what the schema asks for, and the first fault is a 400 naming the field, in words a person reads.
import { Type } from 'typebox';
import { partReader } from '../../src/admin/request-validation.js';
import { pagingQuery } from '../../src/admin/schemas.js';
import { AppError } from '../../src/errors.js';
import { thrownBy } from '../support/thrown.js';

/** The refusal `read(value)` throws, as the error handler would send it. */
function refusalOf(read: (value: unknown) => unknown, value: unknown) {
  const error = thrownBy(AppError, () => read(value), `reading ${JSON.stringify(value)}`);
  return { kind: error.kind, code: error.code, description: error.message, field: error.details.field };
}

describe('a query read against its schema', () => {
  const query = partReader(
    'query',
    Type.Object({ year: Type.Integer(), pilot: Type.Optional(Type.Boolean()), ...pagingQuery({ default: 50, max: 200 }) }),
  );

  it('reads numbers and booleans written as text, and fills in the defaults', () => {
    expect(query({ year: '2026', pilot: 'true', limit: '2' })).toEqual({ year: 2026, pilot: true, limit: 2, offset: 0 });
  });

  it('refuses a number it would have to round, rather than rounding it', () => {
    expect(refusalOf(query, { year: '2026', limit: '2.5' })).toEqual({
      kind: 'invalid',
      code: 'invalid_request',
      description: 'limit: a whole number from 1 to 200',
      field: 'limit',
    });
  });

  it('refuses a value out of bounds, and a value given twice', () => {
    expect(refusalOf(query, { year: '2026', offset: '-1' })).toMatchObject({
      description: 'offset: a whole number, 0 or more',
      field: 'offset',
    });
    expect(refusalOf(query, { year: ['2025', '2026'] })).toMatchObject({ description: 'year: a whole number', field: 'year' });
  });

  it('names a missing parameter', () => {
    expect(refusalOf(query, {})).toEqual({ kind: 'invalid', code: 'invalid_request', description: 'year: required', field: 'year' });
  });
});

describe('a body read against its schema', () => {
  const body = partReader(
    'body',
    Type.Object({
      name: Type.String(),
      redirect_uris: Type.Optional(Type.Array(Type.String())),
      offer: Type.Optional(Type.Enum(['global', 'restricted'])),
      backchannel_logout_uri: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      reason: Type.Optional(Type.String({ minLength: 1 })),
    }),
  );

  it('passes a good body through as it came, strings included', () => {
    const good = { name: '2026', redirect_uris: ['https://www.oullins.fr/cb'], offer: 'global', backchannel_logout_uri: null };
    expect(body(good)).toEqual(good);
  });

  it("names the field of a wrong type: a body's values are taken as they came, never converted", () => {
    expect(refusalOf(body, { name: 42 })).toEqual({
      kind: 'invalid',
      code: 'invalid_request',
      description: 'name: a string',
      field: 'name',
    });
  });

  it('points at the element of a list, and names the list as the field', () => {
    expect(refusalOf(body, { name: 'x', redirect_uris: ['https://a.example/cb', 42] })).toMatchObject({
      description: 'redirect_uris[1]: a string',
      field: 'redirect_uris',
    });
    expect(refusalOf(body, { name: 'x', redirect_uris: 'https://a.example/cb' })).toMatchObject({
      description: 'redirect_uris: an array of strings',
      field: 'redirect_uris',
    });
  });

  it('says once what a choice or a union accepts', () => {
    expect(refusalOf(body, { name: 'x', offer: 'premium' })).toMatchObject({
      description: 'offer: one of global, restricted',
      field: 'offer',
    });
    expect(refusalOf(body, { name: 'x', backchannel_logout_uri: 42 })).toMatchObject({
      description: 'backchannel_logout_uri: a string or null',
      field: 'backchannel_logout_uri',
    });
    expect(refusalOf(body, { name: 'x', reason: '' })).toMatchObject({ description: 'reason: a non-empty string', field: 'reason' });
  });

  it('refuses a body that is not an object, naming no field', () => {
    expect(refusalOf(body, [{ name: 'x' }])).toEqual({
      kind: 'invalid',
      code: 'invalid_request',
      description: 'the body must be a JSON object',
      field: undefined,
    });
  });
});
