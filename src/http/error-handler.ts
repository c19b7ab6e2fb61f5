// Errors mapped to HTTP in one place: a page for people, { error, error_description } for programs.
// Anything unknown is one log.error and a generic 500, never a stack trace. A refusal for now (429, 503)
// says when to come back with Retry-After.
import type { Context, Middleware } from 'koa';
import { AppError, STATUS_BY_KIND, type ErrorCode } from '../errors.js';
import { setRetryAfter } from './rate-limit.js';

export type PersonErrorRenderer = (ctx: Context, status: number, code: ErrorCode) => void;
/** Recognises what is not ours but has a meaning (the database unreachable → unavailable); db/ knows how. */
export type ErrorTranslator = (error: unknown) => Promise<AppError | undefined>;

// The OAuth error code (RFC 6749 §4.1.2.1) a program understands for "try again later", whatever our reason.
const UNAVAILABLE_ERROR = 'temporarily_unavailable';

/** Paths only programs call (the operators' API; app.ts adds the provider's back-channel endpoints): errors there are objects whatever Accept says. */
export const PROGRAM_PATHS: readonly string[] = ['/admin/api'];

export function wantsJson(ctx: Context, programPaths: readonly string[] = PROGRAM_PATHS): boolean {
  return programPaths.some((path) => ctx.path === path || ctx.path.startsWith(`${path}/`)) || ctx.accepts('html', 'json') === 'json';
}

function statusOf(error: unknown): number {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

async function translated(error: unknown, translate: ErrorTranslator): Promise<unknown> {
  if (error instanceof AppError) return error;
  try {
    return (await translate(error)) ?? error;
  } catch {
    return error;
  }
}

export function errorHandler(
  renderForPerson: PersonErrorRenderer,
  translate: ErrorTranslator = () => Promise.resolve(undefined),
  programPaths: readonly string[] = PROGRAM_PATHS,
): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.respond !== false) {
        if (wantsJson(ctx, programPaths)) ctx.body = { error: 'not_found', error_description: 'no such resource' };
        else renderForPerson(ctx, 404, 'not_found');
        ctx.status = 404;
      }
    } catch (caught) {
      const error = await translated(caught, translate);
      let status: number;
      let code: ErrorCode;
      let description: string;
      let field: unknown;
      if (error instanceof AppError) {
        status = STATUS_BY_KIND[error.kind];
        code = error.code;
        description = error.message;
        field = error.details.field;
        const { retryAfterSeconds } = error.details;
        if (typeof retryAfterSeconds === 'number') setRetryAfter(ctx, retryAfterSeconds);
        if (error.kind === 'unavailable') ctx.state.log.warn({ event: 'http.unavailable', code }, 'http.unavailable');
      } else if (statusOf(error) < 500 && (error as { expose?: boolean }).expose) {
        // Koa/body-parser client errors (payload too large, malformed body).
        status = statusOf(error);
        code = 'invalid_request';
        description = (error as Error).message;
      } else {
        status = 500;
        code = 'internal';
        description = 'internal server error';
        ctx.state.log.error({ event: 'http.unhandled_error', err: error }, 'http.unhandled_error');
      }
      if (wantsJson(ctx, programPaths)) {
        ctx.status = status;
        const errorCode = status === 503 ? UNAVAILABLE_ERROR : code;
        // The field at fault, when there is one: a program can point at it without parsing the description.
        ctx.body = { error: errorCode, error_description: description, ...(typeof field === 'string' ? { field } : {}) };
      } else {
        renderForPerson(ctx, status, code);
      }
    }
  };
}
