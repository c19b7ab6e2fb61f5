// The provider's cookie names, ours rather than the library's defaults. The account space recognises a
// citizen by the session cookie, which it reads signed with the provider's cookie keys.
export const PROVIDER_COOKIES = { session: 'glc.session', interaction: 'glc.interaction', resume: 'glc.resume' } as const;

export const SESSION_COOKIE = PROVIDER_COOKIES.session;
