// The OpenAPI 3.1 document of the operators' API, generated from the route table: each route's schemas,
// words and answers, and the refusals it can give. Served at /admin/api/v1/openapi.json.
import type { TObject, TSchema } from 'typebox';
import { PERMISSION_WORDS } from './permission.js';
import type { AnyRoute, Method } from './route.js';
import { TAGS } from './route.js';
import { COMPONENTS } from './schemas.js';

type Json = Record<string, unknown>;

const NAMES = new Map<unknown, string>(Object.entries(COMPONENTS).map(([name, schema]) => [schema, name]));
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** A schema as plain JSON Schema, each named shape inside it replaced by a reference to it. */
function jsonOf(schema: unknown, isComponent = false): unknown {
  const name = NAMES.get(schema);
  if (name && !isComponent) return ref(name);
  if (Array.isArray(schema)) return schema.map((item) => jsonOf(item));
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, key === 'examples' || key === 'default' ? value : jsonOf(value)]),
  );
}

const json = (schema: unknown, description: string) => ({ description, content: { 'application/json': { schema: jsonOf(schema) } } });

/** 65536 → "64 KiB", the way a person reads a size. */
const sizeInWords = (bytes: number) => (bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`);

/** What any route may refuse; 404 and 409 are each route's own (`refusals`). */
const commonRefusals = (bodyLimitBytes: number) => ({
  400: 'Invalid request: the error names the field at fault, when there is one',
  401: 'No token, or an unknown, expired or revoked one, one for another audience, or one of a client that is disabled or no operator tool (WWW-Authenticate says which)',
  403: 'The token lacks the admin scope, belongs to no operator, or the operator may not do this',
  413: `The body is larger than ${sizeInWords(bodyLimitBytes)}`,
  500: 'An unexpected failure (logged with the request id)',
  503: 'The database cannot be reached for a moment: try again after Retry-After',
});

function refusalsOf(route: AnyRoute, bodyLimitBytes: number): Record<string, unknown> {
  const refusals: Record<number, string | undefined> = { ...commonRefusals(bodyLimitBytes), ...route.refusals };
  // Only bodies are ever too large: GET has none.
  if (route.method === 'GET') delete refusals[413];
  return Object.fromEntries(
    Object.entries(refusals).flatMap(([status, description]) => (description ? [[status, json(COMPONENTS.Error, description)]] : [])),
  );
}

function answersOf(route: AnyRoute): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(route.answers).map(([status, answer]) => {
      const described = answer.schema ? json(answer.schema, answer.description) : { description: answer.description };
      const location = { Location: { description: 'Where the new resource is', schema: { type: 'string' } } };
      return [status, status === '201' ? { ...described, headers: location } : described];
    }),
  );
}

/** TypeBox leaves `required` out when no property is required, whatever its type says. */
function requiredOf(schema: TObject): readonly string[] {
  const { required } = schema as { required?: readonly string[] };
  return required ?? [];
}

/** The parameters of one part (path or query): a property each; required unless it has a default. */
function parametersOf(where: 'path' | 'query', schema: TObject | undefined): Json[] {
  if (!schema) return [];
  const required = new Set(requiredOf(schema));
  return Object.entries(schema.properties as Record<string, TSchema & Json>).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (required.has(name) && property.default === undefined),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: jsonOf(property),
  }));
}

function operationOf(route: AnyRoute, bodyLimitBytes: number): Json {
  const pathNames = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
  const declared = Object.keys(route.params?.properties ?? {});
  if (pathNames.join() !== declared.join())
    throw new Error(
      `${route.operationId}: the path names {${pathNames.join('}, {')}}, its params schema ${declared.join(', ') || 'nothing'}`,
    );
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: `${route.description} ${PERMISSION_WORDS[route.permission]}`,
    parameters: [...parametersOf('path', route.params), ...parametersOf('query', route.query)],
    ...(route.body
      ? {
          // A body whose every field is optional may be left out (bodyparser reads none as {}).
          requestBody: {
            required: requiredOf(route.body).length > 0,
            content: { 'application/json': { schema: jsonOf(route.body), ...(route.example ? { example: route.example } : {}) } },
          },
        }
      : {}),
    responses: { ...answersOf(route), ...refusalsOf(route, bodyLimitBytes) },
  };
}

export interface DocumentSettings {
  issuer: string;
  /** The resource indicator of the API's tokens: <ISSUER>/admin/api/v1. */
  audience: string;
  scope: string;
  /** The largest body the API reads (operatorsApi.bodyLimitBytes): a longer one is its 413. */
  bodyLimitBytes: number;
}

export function openApiDocument(routes: readonly AnyRoute[], { issuer, audience, scope, bodyLimitBytes }: DocumentSettings) {
  const scopes = { [scope]: "Manage the client registry within the operator's roles" };
  const paths: Record<string, Partial<Record<Lowercase<Method>, Json>>> = {};
  for (const route of routes)
    (paths[route.path] ??= {})[route.method.toLowerCase() as Lowercase<Method>] = operationOf(route, bodyLimitBytes);
  return {
    openapi: '3.1.0',
    info: {
      title: "GrandLyonConnect — operators' API",
      version: '1.0.0',
      description: `Per-commune client registry, operators, audit and usage figures. Access tokens come from this provider: ask for resource=${audience} and scope=${scope}, with client credentials (a client made an operator with \`glc operator grant --client\`) or with an operator's sign-in.`,
    },
    servers: [{ url: `${issuer}/admin/api/v1` }],
    security: [{ oauth2: [scope] }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    components: {
      securitySchemes: {
        oauth2: {
          type: 'oauth2',
          description: `Tokens must be requested with the resource indicator ${audience} (RFC 8707).`,
          flows: {
            clientCredentials: { tokenUrl: `${issuer}/token`, scopes },
            authorizationCode: { authorizationUrl: `${issuer}/auth`, tokenUrl: `${issuer}/token`, scopes },
          },
        },
      },
      schemas: Object.fromEntries(Object.entries(COMPONENTS).map(([name, schema]) => [name, jsonOf(schema, true)])),
    },
    paths,
  };
}
