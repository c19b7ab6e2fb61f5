import { invalid } from '../../errors.js';
import { audited } from '../../operators/index.js';
import { clientJson } from '../../registry/index.js';
import { cliActor } from '../actor.js';
import { openCliRegistry } from '../context.js';
import { defineCommand } from '../command.js';
import { flag, list, optional, required } from '../options.js';

export const clientAdd = defineCommand({
  name: 'client add',
  summary: "register a commune's site or application (the secret of a confidential client is shown once)",
  options: {
    commune: required('SLUG', 'the commune the site belongs to'),
    name: required('NAME', 'the name citizens see on the consent page'),
    'redirect-uri': list('URL', 'a redirect URI, matched exactly: https (http only on localhost), no fragment or wildcard'),
    'post-logout-redirect-uri': list('URL', 'where the site may send the citizen after signing out'),
    'grant-type': list(
      'TYPE',
      'authorization_code, refresh_token, client_credentials or urn:ietf:params:oauth:grant-type:device_code; default authorization_code and refresh_token',
    ),
    public: flag('a public client (mobile app, kiosk): no secret, PKCE required'),
    scope: optional('SCOPES', 'the scopes it may ask for, space-separated; default "openid profile email"'),
    'subject-type': optional('TYPE', 'pairwise (default: the commune is the sector) or public'),
    'backchannel-logout-uri': optional('URL', 'called by the server when the citizen signs out'),
    acr: optional(
      'ACR',
      'the minimum level of a sign-in at this site: urn:grandlyonconnect:acr:1fa (default) or urn:grandlyonconnect:acr:2fa',
    ),
    resource: list('URL', 'an API its client-credentials tokens may be asked for (resource=URL): their audience'),
    'access-token-format': optional(
      'FORMAT',
      'opaque (default: stored, revocable) or jwt (signed ES256, stored nowhere, not revocable before expiry; needs --resource)',
    ),
    'first-party': flag('a service of the commune itself: no consent page'),
    'operator-tool': flag('a tool operators sign in to (the console)'),
  },
  async run(context, values) {
    const { registryOver } = await openCliRegistry(context);
    const { client, clientSecret } = await audited(context.db.pool, cliActor(), async (db) => {
      const added = await registryOver(db).addClient(
        values.commune,
        {
          name: values.name,
          redirectUris: values['redirect-uri'],
          postLogoutRedirectUris: values['post-logout-redirect-uri'],
          grantTypes: values['grant-type'],
          isPublic: values.public,
          scope: values.scope,
          subjectType: values['subject-type'],
          backchannelLogoutUri: values['backchannel-logout-uri'],
          minimumAcr: values.acr,
          resources: values.resource,
          accessTokenFormat: values['access-token-format'],
        },
        { isFirstParty: values['first-party'], isOperatorTool: values['operator-tool'] },
      );
      // The audit keeps the metadata, never the secret.
      return {
        result: added,
        audit: {
          action: 'client.created',
          communeSlug: added.client.communeSlug,
          target: `client:${added.client.clientId}`,
          after: { ...added.client.metadata, first_party: added.client.isFirstParty, operator_tool: added.client.isOperatorTool },
        },
      };
    });
    const { client_id: clientId, ...rest } = clientJson(client);
    const json = { client_id: clientId, ...(clientSecret ? { client_secret: clientSecret } : {}), ...rest };
    const text = [
      `client ${client.clientId} added to ${client.communeSlug}`,
      clientSecret ? `client_secret (shown once): ${clientSecret}` : 'public client (no secret)',
    ].join('\n');
    return { json, text };
  },
});

/** A whole number of seconds as typed (digits only: "1e3", "12s" or "-1" are refused, not read loosely). */
function overlapOf(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^[0-9]{1,10}$/.test(value)) throw invalid('client_secret_overlap_invalid', `--overlap: a whole number of seconds, not "${value}"`);
  return Number(value);
}

export const clientRotateSecret = defineCommand({
  name: 'client rotate-secret',
  summary: 'give a confidential client a new secret (shown once); the previous one keeps working for the overlap, then stops',
  options: {
    client: required('CLIENT_ID', 'the client'),
    overlap: optional(
      'SECONDS',
      'how long the previous secret keeps working: default operatorsApi.secretRotationOverlapSeconds (7 days); 0 ends it at once (a leak)',
    ),
  },
  async run(context, values) {
    const overlapSeconds = overlapOf(values.overlap, context.config.operatorsApi.secretRotationOverlapSeconds);
    const { registryOver } = await openCliRegistry(context);
    const rotated = await audited(context.db.pool, cliActor(), async (db) => {
      const registry = registryOver(db);
      const current = await registry.getClient(values.client);
      const result = await registry.rotateClientSecret(current.clientId, overlapSeconds);
      const previousSecretExpiresAt = result.previousSecretExpiresAt?.toISOString() ?? null;
      // The audit says that the secret changed and how long the old one lasts, never either secret.
      return {
        result,
        audit: {
          action: 'client.secret_rotated',
          communeSlug: current.communeSlug,
          target: `client:${current.clientId}`,
          after: { overlap_seconds: overlapSeconds, previous_secret_expires_at: previousSecretExpiresAt },
        },
      };
    });
    const previousSecretExpiresAt = rotated.previousSecretExpiresAt?.toISOString() ?? null;
    const json = {
      client_id: rotated.client.clientId,
      client_secret: rotated.clientSecret,
      previous_secret_expires_at: previousSecretExpiresAt,
    };
    const text = [
      `client_secret of ${rotated.client.clientId} (shown once): ${rotated.clientSecret}`,
      previousSecretExpiresAt ? `the previous secret works until ${previousSecretExpiresAt}` : 'the previous secret no longer works',
    ].join('\n');
    return { json, text };
  },
});
