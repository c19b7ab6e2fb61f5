// The provider's own routes as templates (`/auth/:uid`), from the library's route names: what labels a
// request that our routers did not answer (metrics).
import type Provider from 'oidc-provider';

const PLAIN = [
  'authorization',
  'userinfo',
  'token',
  'jwks',
  'registration',
  'revocation',
  'introspection',
  'end_session',
  'device_authorization',
  'code_verification',
  'pushed_authorization_request',
  'backchannel_authentication',
];
const UNDER: [string, string][] = [
  ['authorization', '/:uid'],
  ['registration', '/:clientId'],
  ['end_session', '/confirm'],
  ['end_session', '/success'],
  ['code_verification', '/:uid'],
];

export function providerRouteTemplates(provider: Provider): string[] {
  const pathOf = (name: string): string | undefined => {
    try {
      return provider.pathFor(name);
    } catch {
      return undefined;
    } // a feature we do not enable
  };
  const plain = PLAIN.map(pathOf);
  const under = UNDER.map(([name, suffix]) => {
    const base = pathOf(name);
    return base === undefined ? undefined : base + suffix;
  });
  const discovery = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'];
  return [...plain, ...under, ...discovery].filter((path): path is string => path !== undefined);
}

/**
 * The paths of the protocol (each endpoint and what lies under it: /auth/:uid, /token/introspection,
 * /session/end/confirm…) and discovery: the requests that go straight to the provider (app.ts).
 */
export function isProtocolPath(provider: Provider): (path: string) => boolean {
  const bases = providerRouteTemplates(provider).filter((template) => !template.includes('/:'));
  return (path) => bases.some((base) => path === base || path.startsWith(`${base}/`));
}
