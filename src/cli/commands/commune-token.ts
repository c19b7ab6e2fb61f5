import { issueCommuneToken } from '../../services/index.js';
import { cliActor } from '../actor.js';
import { openCliRegistry } from '../context.js';
import { defineCommand } from '../command.js';
import { integer, required } from '../options.js';
import { UsageError } from '../usage.js';

export const communeToken = defineCommand({
  name: 'commune token',
  summary: 'issue an initial access token with which a site registers itself into a commune (RFC 7591, at /reg)',
  options: {
    commune: required('SLUG', 'the commune the registered sites will belong to'),
    // The help is written before the configuration is read: it names where the bounds live.
    ttl: integer(
      'SECONDS',
      'how long the token is valid, in seconds (default and bounds: operators.communeTokenTtlSeconds in config/default.json)',
    ),
  },
  async run(context, values) {
    const { commune } = values;
    const bounds = context.config.operators.communeTokenTtlSeconds;
    const ttl = values.ttl ?? bounds.default;
    if (ttl < bounds.min || ttl > bounds.max) throw new UsageError(`--ttl: ${bounds.min} to ${bounds.max} seconds`);
    const { registrationTokens } = await openCliRegistry(context);
    const { token, expiresAt } = await issueCommuneToken(context.db.pool, registrationTokens, cliActor(), commune, ttl);
    const json = {
      initial_access_token: token,
      commune,
      expires_at: expiresAt.toISOString(),
      registration_endpoint: `${context.config.issuer}/reg`,
    };
    return {
      json,
      text: `initial access token for ${commune} (valid until ${json.expires_at}):\n${token}\nregister at ${json.registration_endpoint}`,
    };
  },
});
