import { communeSectorUri, createClientValidator, createValidationProvider, ensureKeys } from '../../oidc/index.js';
import { withTransaction } from '../../db/index.js';
import { insertAuditEntry } from '../../operators/index.js';
import { clientJson, createRegistry } from '../../registry/index.js';
import { auditActor } from '../actor.js';
import { parse, required } from '../args.js';
import type { CliContext } from '../context.js';

export async function clientAddCommand(context: CliContext, argv: string[]) {
  const values = parse(argv, {
    commune: { type: 'string' }, name: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true }, 'post-logout-redirect-uri': { type: 'string', multiple: true },
    'grant-type': { type: 'string', multiple: true }, public: { type: 'boolean' }, scope: { type: 'string' },
    'subject-type': { type: 'string' }, 'backchannel-logout-uri': { type: 'string' }, 'first-party': { type: 'boolean' },
    'operator-tool': { type: 'boolean' },
  });
  await ensureKeys(context.db.pool, context.sealer);
  const provider = await createValidationProvider(context.db.pool, context.sealer, context.config);
  const { client, clientSecret } = await withTransaction(context.db.pool, async (db) => {
    const registry = createRegistry({
      db, sealer: context.sealer, log: context.log, cacheTtlSeconds: 0,
      validateMetadata: createClientValidator(() => provider),
      sectorIdentifierUri: (slug) => communeSectorUri(context.config.issuer, slug),
      outboundAllowList: context.config.outboundAllowList,
    });
    const added = await registry.addClient(required(values, 'commune'), {
    name: required(values, 'name'),
    redirectUris: values['redirect-uri'] as string[] | undefined,
    postLogoutRedirectUris: values['post-logout-redirect-uri'] as string[] | undefined,
    grantTypes: values['grant-type'] as string[] | undefined,
    isPublic: Boolean(values.public),
    scope: values.scope as string | undefined,
    subjectType: values['subject-type'] as string | undefined,
    backchannelLogoutUri: values['backchannel-logout-uri'] as string | undefined,
    }, { isFirstParty: Boolean(values['first-party']), isOperatorTool: Boolean(values['operator-tool']) });
    // The audit keeps the metadata, never the secret.
    await insertAuditEntry(db, {
      ...auditActor(), action: 'client.created', communeSlug: added.client.communeSlug, target: `client:${added.client.clientId}`,
      after: { ...added.client.metadata, first_party: added.client.isFirstParty, operator_tool: added.client.isOperatorTool },
    });
    return added;
  });
  const { client_id: clientId, ...rest } = clientJson(client);
  const json = { client_id: clientId, ...(clientSecret ? { client_secret: clientSecret } : {}), ...rest };
  const text = [`client ${client.clientId} added to ${client.communeSlug}`, clientSecret ? `client_secret (shown once): ${clientSecret}` : 'public client (no secret)'].join('\n');
  return { json, text };
}
