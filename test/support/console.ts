// The operators' console as an operator reaches it: a person's account given a role, signed in through the
// provider with two factors, in a cookie-keeping agent; and its pages' forms.
import { operatorsOf, secondFactorOf } from './admin.js';
import type { TestAccount } from './builders.js';
import type { TestServer } from './server.js';
import { isPage, UserAgent, type Page } from './user-agent.js';

/** Gives `account` the role (over `communes`) as the Métropole would, then signs it in to the console. */
export async function anOperatorPerson(server: TestServer, account: TestAccount, role: string, communes: string[] = []) {
  await operatorsOf(server).grant({ email: account.email }, role, communes, { actor: 'test' });
  return account;
}

/**
 * Opens `path` of the console in `agent`, going through the provider's login (password, then a second factor:
 * an authenticator app is set up for the account first) when the console asks it; answers the console page.
 */
export async function consolePage(
  server: TestServer,
  account: TestAccount,
  path = '/admin',
  agent = new UserAgent(server.issuer),
): Promise<{ page: Page; agent: UserAgent }> {
  const secondFactor = await secondFactorOf(server, account.email);
  let result = await agent.navigate(path);
  for (let step = 0; step < 4 && isPage(result) && !result.url.includes('/admin'); step++) {
    const page: Page = result;
    if (page.url.includes('/second-factor') && page.html.includes('autocomplete="one-time-code"')) {
      result = await agent.submit(page, { code: secondFactor() });
    } else if (page.html.includes('name="password"')) {
      result = await agent.submit(page, { email: account.email, password: account.password });
    } else {
      throw new Error(`unexpected page ${page.status} at ${page.url}: ${page.html.slice(0, 300)}`);
    }
  }
  if (!isPage(result)) throw new Error(`the console sign-in left to ${result.leftTo}`);
  return { page: result, agent };
}
