// Domain-free HTTP middleware: request context and logs, errors, security headers, forms and CSRF, health, metrics.
export { requestContext } from './request-context.js';
export { securityHeaders, sendPage } from './security-headers.js';
export { createCsrf, type Csrf } from './csrf.js';
export { csrfCheckedForm, FIELD_LIMITS, formOf, queryField, secretField, textField, type FormBody } from './forms.js';
export { health, HEALTH_ROUTES } from './health.js';
export { createMetrics, type Metrics } from './metrics.js';
export { errorHandler, PROGRAM_PATHS, wantsJson, type ErrorTranslator } from './error-handler.js';
export { refuseControlCharacters } from './control-characters.js';
export { formPostRedirect } from './form-post-redirect.js';
export { staticFiles } from './static-files.js';
export { branch, chain, isUnder, under } from './branches.js';
export { canonicalOrigin } from './canonical-origin.js';
export {
  createRateLimiter,
  mailQuota,
  passwordCheckRules,
  secondFactorRules,
  counterCodeRules,
  registrationRules,
  resetRequestRules,
  setRetryAfter,
  type RateLimiter,
  type ThrottleRule,
  type ThrottleStore,
} from './rate-limit.js';
