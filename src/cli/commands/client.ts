import { ensureKeys, openClientRegistry } from '../../oidc/index.js';
import { audited } from '../../operators/index.js';
import { clientJson } from '../../registry/index.js';
import { cliActor } from '../actor.js';
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
  const { registryOver } = await openClientRegistry({ pool: context.db.pool, sealer: context.sealer, log: context.log, config: context.config, cacheTtlSeconds: 0 });
  const { client, clientSecret } = await audited(context.db.pool, cliActor(), async (db) => {
    const added = await registryOver(db).addClient(required(values, 'commune'), {
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
    return {
      result: added,
      audit: {
        action: 'client.created', communeSlug: added.client.communeSlug, target: `client:${added.client.clientId}`,
        after: { ...added.client.metadata, first_party: added.client.isFirstParty, operator_tool: added.client.isOperatorTool },
      },
    };
  });
  const { client_id: clientId, ...rest } = clientJson(client);
  const json = { client_id: clientId, ...(clientSecret ? { client_secret: clientSecret } : {}), ...rest };
  const text = [`client ${client.clientId} added to ${client.communeSlug}`, clientSecret ? `client_secret (shown once): ${clientSecret}` : 'public client (no secret)'].join('\n');
  return { json, text };
}
