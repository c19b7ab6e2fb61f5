import { createAccounts } from '../../accounts/index.js';
import { createCounterCodes } from '../../accounts/index.js';
import { createFactors } from '../../accounts/index.js';
import { maskEmail } from '../../log.js';
import { audited } from '../../operators/index.js';
import { createRegistry } from '../../registry/index.js';
import { createCounterCodeIssuer } from '../../services/index.js';
import { cliActor } from '../actor.js';
import { defineCommand } from '../command.js';
import { flag, optional, required, secret } from '../options.js';

export const accountAdd = defineCommand({
  name: 'account add',
  summary: "create a citizen's account (unverified unless --verified)",
  options: {
    email: required('EMAIL', 'the address the citizen signs in with'),
    password: secret('PASSWORD', 'the password, held to the same policy as at sign-up'),
    'given-name': optional('NAME', 'given name'),
    'family-name': optional('NAME', 'family name'),
    verified: flag("the email address is known to be the citizen's"),
  },
  async run(context, values) {
    const accounts = createAccounts({ db: context.db.pool, config: context.config, log: context.log });
    const registration = {
      email: values.email,
      password: values.password,
      givenName: values['given-name'],
      familyName: values['family-name'],
      emailVerified: values.verified,
    };
    const account = await audited(context.db.pool, cliActor(), async (tx) => {
      const created = await accounts.register(registration, {}, tx);
      return {
        result: created,
        audit: {
          action: 'account.created',
          target: `account:${created.id}`,
          after: { email: maskEmail(created.email), email_verified: created.emailVerified },
        },
      };
    });
    const json = {
      sub: account.id,
      email: account.email,
      email_verified: account.emailVerified,
      given_name: account.givenName ?? null,
      family_name: account.familyName ?? null,
    };
    return { json, text: `account ${account.email} created (sub ${account.id})` };
  },
});

export const accountRecoveryCode = defineCommand({
  name: 'account recovery-code',
  summary: "a one-time code to hand over at a town hall's counter, once the citizen's identity is checked",
  options: {
    email: required('EMAIL', "the address of the citizen's account"),
    commune: required('SLUG', 'the commune whose counter hands the code over (named in the audit and the citizen’s history)'),
  },
  async run(context, values) {
    const db = context.db.pool;
    const factors = createFactors({
      db,
      sealer: context.sealer,
      stepTtlSeconds: context.config.ttlSeconds.interaction,
      passkeys: {
        issuer: context.config.issuer,
        rpName: 'GrandLyonConnect',
        challengeTtlSeconds: context.config.passkeys.challengeTtlSeconds,
      },
    });
    const issuer = createCounterCodeIssuer({
      pool: db,
      config: context.config,
      accounts: createAccounts({ db, config: context.config, log: context.log }),
      codes: createCounterCodes({ sealer: context.sealer, removeFactors: (accountId, tx) => factors.removeAll(accountId, tx) }),
      communes: createRegistry({ db, sealer: context.sealer, log: context.log, cacheTtlSeconds: 0 }),
    });
    const { code, expiresAt } = await issuer.issueCounterCode(cliActor(), { email: values.email, commune: values.commune }, 'cli');
    const json = { code, expires_at: expiresAt.toISOString() };
    return { json, text: `counter code for ${maskEmail(values.email)}: ${code} (valid until ${json.expires_at})` };
  },
});
