// The console's forms: fields as the operators' API names them (so that a refusal naming a field lands on
// that field), lists one value per line, and a refusal turned into the words of the page.
import type { Middleware } from 'koa';
import { AppError } from '../errors.js';
import { textField, type FormBody } from '../http/index.js';
import type { PageContext } from '../views/index.js';

/** What every page module is given to mount its routes: who may see them, and the form parser. */
export interface ConsoleMiddleware {
  /** A live console session of an operator (console/sign-in.ts). */
  signedIn: Middleware;
  /** application/x-www-form-urlencoded bodies, up to http.formBodyLimitBytes. */
  forms: Middleware;
}

/** A refusal as a form shows it: the field it names (if any) and a sentence in the page's language. */
export interface FormFault {
  field?: string | undefined;
  message: string;
}

/** The refusals of a change that the operator can fix on the form; anything else (a bug, an outage) is rethrown. */
export function faultOf(page: PageContext, error: unknown): FormFault {
  if (!(error instanceof AppError) || !['invalid', 'conflict', 'not_found', 'forbidden'].includes(error.kind)) throw error;
  const field = typeof error.details.field === 'string' ? error.details.field : undefined;
  const words = page.t(`errors.${error.code}`);
  // The API's own sentence says which value is wrong (e.g. "redirect_uris[0]: must be https"): kept as the detail.
  const detail = error.message && error.message !== error.code ? ` (${error.message})` : '';
  return { field, message: `${words}${detail}` };
}

/** A list field: one value per line, blank lines dropped. */
export function linesOf(body: FormBody, name: string, maxLength = 8000): string[] {
  return textField(body, name, maxLength)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** A checkbox: checked when the form carries the field at all. */
export const isChecked = (body: FormBody, name: string) => body[name] !== undefined;
