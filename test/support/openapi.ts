// The operators' API answers what its OpenAPI 3.1 document says: every response a test receives is checked
// against the served document, with JSON Schema 2020-12 (what OpenAPI 3.1 schemas are) and its formats.
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import request from 'supertest';
import type { TestServer } from './server.js';

export const ADMIN_PREFIX = '/admin/api/v1';

interface MediaType {
  schema: object;
}

interface Response {
  description: string;
  content?: Record<string, MediaType>;
}

export interface Operation {
  operationId: string;
  description?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, Response>;
}

export interface OpenApiDocument {
  openapi: string;
  servers: { url: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, object>;
    securitySchemes: Record<string, { type: string; flows: Record<string, { tokenUrl?: string; scopes: Record<string, string> }> }>;
  };
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// ajv-formats is CommonJS: its default export is the plugin itself or sits under `default`.
type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((formatsModule as unknown as { default?: FormatsPlugin }).default ?? formatsModule) as unknown as FormatsPlugin;

const DOCUMENT_ID = 'https://grandlyonconnect.test/admin/api/v1/openapi.json';
type Validator = ReturnType<Ajv2020['compile']>;
const compilers = new WeakMap<OpenApiDocument, { ajv: Ajv2020; validators: Map<string, Validator> }>();

/**
 * The validator of one schema of the document. One Ajv per document knows the whole document under an $id,
 * so that `#/components/schemas/…` inside a response schema resolves.
 */
function validatorFor(document: OpenApiDocument, ref: string): Validator {
  let compiler = compilers.get(document);
  if (!compiler) {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...document, $id: DOCUMENT_ID });
    compiler = { ajv, validators: new Map() };
    compilers.set(document, compiler);
  }
  let validate = compiler.validators.get(ref);
  if (!validate) {
    validate = compiler.ajv.compile({ $ref: ref });
    compiler.validators.set(ref, validate);
  }
  return validate;
}

const pointer = (...tokens: string[]) => tokens.map((t) => `/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** The path template ("/communes/{slug}") a concrete path ("/admin/api/v1/communes/lyon?limit=2") is an instance of. */
export function templateOf(document: OpenApiDocument, path: string): string | undefined {
  const bare = path.split('?')[0]!.replace(new RegExp(`^${ADMIN_PREFIX}`), '');
  if (document.paths[bare]) return bare;
  return Object.keys(document.paths).find((template) => {
    const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
    return new RegExp(`^${pattern}$`).test(bare);
  });
}

/**
 * Fails unless the document declares this status for this operation and the body validates against its
 * schema (an answer declared without content, such as a 204, must have an empty body).
 */
export function expectConformant(document: OpenApiDocument, method: string, path: string, status: number, body: unknown): void {
  const template = templateOf(document, path);
  const name = `${method.toUpperCase()} ${template ?? path} → ${status}`;
  expect({ name, isDocumented: template !== undefined }).toEqual({ name, isDocumented: true });
  const operation = document.paths[template!]![method.toLowerCase()];
  expect({ name, hasOperation: operation !== undefined }).toEqual({ name, hasOperation: true });
  const response = operation!.responses[String(status)];
  expect({ name, isDeclared: response !== undefined }).toEqual({ name, isDeclared: true });
  if (!response!.content) {
    const isEmpty = body === undefined || body === '' || (typeof body === 'object' && body !== null && Object.keys(body).length === 0);
    expect({ name, isEmpty }).toEqual({ name, isEmpty: true });
    return;
  }
  expect({ name, types: Object.keys(response!.content) }).toEqual({ name, types: ['application/json'] });
  const ref = `${DOCUMENT_ID}#${pointer('paths', template!, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`;
  const validate = validatorFor(document, ref);
  const isValid = validate(body);
  expect({ name, errors: isValid ? [] : validate.errors }).toEqual({ name, errors: [] });
}

/** What the schema at `tokens` (a path into the document) finds wrong with `value`: [] when it validates. */
export function schemaErrors(document: OpenApiDocument, tokens: string[], value: unknown): unknown[] {
  const validate = validatorFor(document, `${DOCUMENT_ID}#${pointer(...tokens)}`);
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

/** The document as the server serves it. */
export async function servedDocument(server: TestServer): Promise<OpenApiDocument> {
  const response = await request(server.server).get(`${ADMIN_PREFIX}/openapi.json`);
  expect(response.status).toBe(200);
  return response.body as OpenApiDocument;
}

export type ApiMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** The operators' API as a test calls it: every answer is checked against the document the server serves. */
export interface AdminApi {
  document: OpenApiDocument;
  /** One request with this `Authorization` value (none when undefined); fails unless the document describes its answer. */
  call(authorization: string | undefined, method: ApiMethod, path: string, body?: object): Promise<request.Response>;
}

export async function anAdminApi(server: TestServer): Promise<AdminApi> {
  const document = await servedDocument(server);
  return {
    document,
    async call(authorization, method, path, body) {
      const test = request(server.server)[method.toLowerCase() as Lowercase<ApiMethod>](`${ADMIN_PREFIX}${path}`);
      if (authorization) void test.set('Authorization', authorization);
      const response = body ? await test.send(body) : await test;
      expectConformant(document, method, path, response.status, response.body);
      return response;
    },
  };
}

/** Every operation of the document as "METHOD /path", the way `listAdminRoutes` names routes. */
export function documentedRoutes(document: OpenApiDocument): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => HTTP_METHODS.includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}
