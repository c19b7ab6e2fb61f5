import { createAccounts } from '../../accounts/index.js';
import { parse, required } from '../args.js';
import { maskEmail } from '../../log.js';
import { audited } from '../../operators/index.js';
import { cliActor } from '../actor.js';
import type { CliContext } from '../context.js';

export async function accountAddCommand(context: CliContext, argv: string[]) {
  const values = parse(argv, {
    email: { type: 'string' }, password: { type: 'string' }, 'given-name': { type: 'string' },
    'family-name': { type: 'string' }, verified: { type: 'boolean' },
  });
  const accounts = createAccounts({ db: context.db.pool, config: context.config, log: context.log });
  const registration = {
    email: required(values, 'email'), password: required(values, 'password'),
    givenName: values['given-name'] as string | undefined, familyName: values['family-name'] as string | undefined,
    emailVerified: Boolean(values.verified),
  };
  const account = await audited(context.db.pool, cliActor(), async (tx) => {
    const created = await accounts.register(registration, {}, tx);
    return { result: created, audit: { action: 'account.created', target: `account:${created.id}`, after: { email: maskEmail(created.email), email_verified: created.emailVerified } } };
  });
  const json = {
    sub: account.id, email: account.email, email_verified: account.emailVerified,
    given_name: account.givenName ?? null, family_name: account.familyName ?? null,
  };
  return { json, text: `account ${account.email} created (sub ${account.id})` };
}
