// Errors mapped to HTTP in one place: a page for people, { error, error_description } for programs.
// Anything unknown is one log.error and a generic 500, never a stack trace.
import type { Context, Middleware } from 'koa';
import { AppError, STATUS_BY_KIND } from '../errors.js';

export type PersonErrorRenderer = (ctx: Context, status: number, code: string) => void;

export function wantsJson(ctx: Context): boolean {
  return ctx.path.startsWith('/admin/api/') || (ctx.accepts('html', 'json') === 'json');
}

function statusOf(error: unknown): number {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

export function errorHandler(renderForPerson: PersonErrorRenderer): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.respond !== false) {
        if (wantsJson(ctx)) ctx.body = { error: 'not_found', error_description: 'no such resource' };
        else renderForPerson(ctx, 404, 'not_found');
        ctx.status = 404;
      }
    } catch (error) {
      let status: number;
      let code: string;
      let description: string;
      let field: unknown;
      if (error instanceof AppError) {
        status = STATUS_BY_KIND[error.kind];
        code = error.code;
        description = error.message;
        field = error.details.field;
      } else if (statusOf(error) < 500 && (error as { expose?: boolean }).expose) {
        // Koa/body-parser client errors (payload too large, malformed body).
        status = statusOf(error);
        code = 'invalid_request';
        description = (error as Error).message;
      } else {
        status = 500;
        code = 'internal';
        description = 'internal server error';
        ctx.state.log?.error({ event: 'http.unhandled_error', err: error }, 'http.unhandled_error');
      }
      if (wantsJson(ctx)) {
        ctx.status = status;
        // The field at fault, when there is one: a program can point at it without parsing the description.
        ctx.body = { error: code, error_description: description, ...(typeof field === 'string' ? { field } : {}) };
      } else {
        renderForPerson(ctx, status, code);
      }
    }
  };
}
