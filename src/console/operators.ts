// The console's operators pages (being built: see issue 10).
import type Router from '@koa/router';
import type { ConsoleDeps } from './context.js';
import type { ConsoleMiddleware } from './forms.js';

export function registerOperatorsPages(_router: Router, _deps: ConsoleDeps, _middleware: ConsoleMiddleware): void {}
