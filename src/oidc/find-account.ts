// findAccount for oidc-provider: our accounts, with claims released per scope by the library.
import type { FindAccount } from 'oidc-provider';
import { claimsOf, type Accounts } from '../accounts/index.js';

export function createFindAccount(accounts: Pick<Accounts, 'findById'>): FindAccount {
  return async (_ctx, sub) => {
    const account = await accounts.findById(sub);
    if (!account) return undefined;
    return {
      accountId: account.id,
      async claims() {
        return claimsOf(account);
      },
    };
  };
}
