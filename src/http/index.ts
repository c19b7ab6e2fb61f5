// Domain-free HTTP middleware: request context and logs, errors, security headers, CSRF, health, metrics.
export { requestContext } from './request-context.js';
export { securityHeaders, sendPage } from './security-headers.js';
export { createCsrf, type Csrf } from './csrf.js';
export { health } from './health.js';
export { createMetrics, type Metrics } from './metrics.js';
export { errorHandler, wantsJson } from './error-handler.js';
export { staticFiles } from './static-files.js';
export { canonicalOrigin } from './canonical-origin.js';
export { createRateLimiter, type RateLimiter } from './rate-limit.js';
