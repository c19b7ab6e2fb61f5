import { createAccounts } from '../../accounts/index.js';
import { maskEmail } from '../../log.js';
import { audited } from '../../operators/index.js';
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
