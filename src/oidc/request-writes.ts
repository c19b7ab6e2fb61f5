// The last step of every request to the provider: the writes the request gathered (request-scope.ts) go as
// one statement before its answer leaves. An answer whose writes failed cannot stand (a code that was never
// stored, a sharing-journal line missing from the citizen's record): it becomes an error, a page for a
// browser and an OAuth error object for a program, like any other failure of the database.
import type { Context } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { flushRequestWrites } from './request-scope.js';
import type { RenderingHooks } from './rendering.js';

/** The library's routes a person's browser opens: their errors are pages. */
const BROWSER_ROUTES = new Set([
  'authorization',
  'resume',
  'end_session',
  'end_session_confirm',
  'end_session_success',
  'code_verification',
  'device_resume',
]);

export async function writeBeforeAnswering(ctx: Context, rendering: Pick<RenderingHooks, 'renderError'>): Promise<void> {
  try {
    await flushRequestWrites();
  } catch (error) {
    const oidc = (ctx as Partial<KoaContextWithOIDC>).oidc;
    oidc?.provider.emit('server_error', ctx, error);
    const out = { error: 'temporarily_unavailable', error_description: 'the answer could not be recorded, try again' };
    ctx.remove('Location');
    ctx.set('Retry-After', '5');
    ctx.set('Cache-Control', 'no-store');
    if (BROWSER_ROUTES.has(oidc?.route ?? '')) {
      ctx.status = 503;
      await rendering.renderError(ctx as KoaContextWithOIDC, out, error as Error);
      ctx.status = 503;
      return;
    }
    ctx.status = 503;
    ctx.body = out;
  }
}
