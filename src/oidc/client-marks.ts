// The registry's two marks on a client as the provider loads it (extra client metadata): first-party
// (skips consent for identity scopes) and operator tool (may ask for the operators' API). Only the
// registry sets them; dynamic registration always clears both (oidc/registration.ts).

export function isFirstParty(client: unknown): boolean {
  return (client as { first_party?: unknown } | undefined)?.first_party === true;
}

export function isOperatorTool(client: unknown): boolean {
  return (client as { operator_tool?: unknown } | undefined)?.operator_tool === true;
}
