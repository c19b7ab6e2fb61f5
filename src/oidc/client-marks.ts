// The registry's marks on a client as the provider loads it (extra client metadata): first-party
// (skips consent for identity scopes), operator tool (may ask for the operators' API) and its APIs with
// their token format. Only the registry sets them; dynamic registration always clears them all
// (oidc/registration.ts builds its metadata from scratch).

export function isFirstParty(client: unknown): boolean {
  return (client as { first_party?: unknown } | undefined)?.first_party === true;
}

export function isOperatorTool(client: unknown): boolean {
  return (client as { operator_tool?: unknown } | undefined)?.operator_tool === true;
}

/** The APIs the registry lets this client ask client-credentials tokens for (resource_indicators). */
export function resourceIndicatorsOf(client: unknown): string[] {
  const value = (client as { resource_indicators?: unknown } | undefined)?.resource_indicators;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Whether the registry opted this client into JWT access tokens (RFC 9068) for those APIs. */
export function wantsJwtAccessTokens(client: unknown): boolean {
  return (client as { access_token_format?: unknown } | undefined)?.access_token_format === 'jwt';
}
