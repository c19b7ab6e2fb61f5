// The shape of one route of the operators' API, declared once: the router mounts it (permission, input
// validated from its schemas, handler) and openapi.ts describes it. Nothing about a route is said elsewhere.
import type { Context } from 'koa';
import type { Static, TObject, TSchema } from 'typebox';
import type { Principal } from '../operators/index.js';
import type { AdminDeps } from './context.js';
import type { Permission } from './permission.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** The groups of the document, in its order. */
export const TAGS = {
  communes: 'The communes of the Métropole: created and updated by the Métropole, read by their operators',
  clients: 'The relying parties of a commune, managed by its referents, its syndicate and the Métropole',
  operators: 'Who administers which communes: each operator hands roles down within its own',
  accounts:
    "The help desk: find a citizen's account by exact address, resend its verification mail, lock or unlock it (metropole-admin and counter agents)",
  'scope-requests': "Sensitive scopes waiting for the Métropole's decision",
  audit: 'Every change, who made it and from where',
  reports: 'Usage and contributions of the communes',
} as const;
export type Tag = keyof typeof TAGS;

/** A success the route answers; without a schema, an empty body. */
export interface Answer {
  description: string;
  schema?: TSchema;
}
export type Answers = Partial<Record<200 | 201 | 202 | 204, Answer>>;

type BodyOf<A> = A extends { schema: infer Schema extends TSchema } ? Static<Schema> : undefined;

/** What a handler answers: one of its route's statuses with the body that status's schema types (a 201 says where). */
export type Reply<A extends Answers> = {
  [Status in keyof A & number]: { status: Status; body: BodyOf<A[Status]>; location?: string };
}[keyof A & number];

/** What a handler is given: the request's input, typed and already validated, and who asks. */
export interface RouteInput<P extends TObject, Q extends TObject, B extends TObject> {
  params: Static<P>;
  query: Static<Q>;
  body: Static<B>;
  principal: Principal;
  deps: AdminDeps;
  /** The request, for the actor of a change (its address); handlers read no input from it. */
  ctx: Context;
}

export interface Route<P extends TObject = TObject, Q extends TObject = TObject, B extends TObject = TObject, A extends Answers = Answers> {
  method: Method;
  /** Under /admin/api/v1, with OpenAPI's {param}s. */
  path: string;
  operationId: string;
  tag: Tag;
  summary: string;
  description: string;
  permission: Permission;
  params?: P;
  query?: Q;
  body?: B;
  /** A body the route accepts, shown in the document. */
  example?: Static<B>;
  answers: A;
  /** What this route refuses beyond every route's refusals: what may not be found, what may conflict. */
  refusals?: { 404?: string; 409?: string };
  handle(input: RouteInput<P, Q, B>): Promise<Reply<A>>;
}

/** Any route of the table: its input and answer types were checked where it was declared. */
export type AnyRoute = Omit<Route, 'handle'> & {
  handle(input: RouteInput<TObject, TObject, TObject>): Promise<{ status: number; body: unknown; location?: string }>;
};

/** Declares a route: its types follow from its schemas. */
export function route<
  P extends TObject = TObject,
  Q extends TObject = TObject,
  B extends TObject = TObject,
  const A extends Answers = Answers,
>(declaration: Route<P, Q, B, A>): AnyRoute {
  return declaration;
}

/** The answers a handler gives, with their statuses as the literal types its route's answers declare. */
export const ok = <Body>(body: Body) => ({ status: 200 as const, body });
export const created = <Body>(body: Body, location: string) => ({ status: 201 as const, body, location });
export const accepted = <Body>(body: Body) => ({ status: 202 as const, body });
export const noContent = () => ({ status: 204 as const, body: undefined });
