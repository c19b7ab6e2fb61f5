import { ensureKeys, openClientRegistry } from '../../oidc/index.js';
import { issueCommuneToken } from '../../services/index.js';
import { cliActor } from '../actor.js';
import { optionalInteger, parse, required, UsageError } from '../args.js';
import type { CliContext } from '../context.js';

const DEFAULT_TTL_SECONDS = 7 * 86_400;
const MAX_TTL_SECONDS = 90 * 86_400;

export async function communeTokenCommand(context: CliContext, argv: string[]) {
  const values = parse(argv, { commune: { type: 'string' }, ttl: { type: 'string' } });
  const commune = required(values, 'commune');
  const ttl = optionalInteger(values, 'ttl') ?? DEFAULT_TTL_SECONDS;
  if (ttl < 60 || ttl > MAX_TTL_SECONDS) throw new UsageError(`--ttl: 60 to ${MAX_TTL_SECONDS} seconds`);
  await ensureKeys(context.db.pool, context.sealer);
  const { registrationTokens } = await openClientRegistry({ pool: context.db.pool, sealer: context.sealer, log: context.log, config: context.config, cacheTtlSeconds: 0 });
  const { token, expiresAt } = await issueCommuneToken(context.db.pool, registrationTokens, cliActor(), commune, ttl);
  const json = { initial_access_token: token, commune, expires_at: expiresAt.toISOString(), registration_endpoint: `${context.config.issuer}/reg` };
  return { json, text: `initial access token for ${commune} (valid until ${json.expires_at}):\n${token}\nregister at ${json.registration_endpoint}` };
}
