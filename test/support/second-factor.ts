// A citizen's authenticator app as the tests hold it: the secret read off the enrolment page, codes computed
// with the same OTP library an app uses, at the time step the test chooses.
import { Secret, TOTP } from 'otpauth';
import type { Page, UserAgent } from './user-agent.js';
import { isPage } from './user-agent.js';

export class TestAuthenticator {
  constructor(readonly secret: string) {}

  /** The code of the time step `offsetSteps` away from now. */
  code(offsetSteps = 0): string {
    const totp = new TOTP({ secret: Secret.fromBase32(this.secret), algorithm: 'SHA1', digits: 6, period: 30 });
    return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
  }

  /**
   * Confirms the enrolment with the previous step's code, leaving the current step to the sign-in that follows (a
   * step is used once). Should the clock cross into the next step between making the code and checking it, that
   * code is two steps old and refused: the confirmation is tried once more with a fresh one.
   */
  async enrolWith<T>(confirm: (code: string) => Promise<T | undefined>): Promise<T | undefined> {
    return (await confirm(this.code(-1))) ?? confirm(this.code(-1));
  }

  /** Reads the secret shown as text on an enrolment page. */
  static fromPage(page: Page): TestAuthenticator {
    const secret = /<code class="secret">([A-Z2-7 ]+)<\/code>/.exec(page.html)?.[1];
    if (!secret) throw new Error(`no TOTP secret on ${page.url}`);
    return new TestAuthenticator(secret.replace(/ /g, ''));
  }
}

export const isSecondFactorPage = (page: Page) => page.html.includes('autocomplete="one-time-code"') && page.url.includes('/second-factor');

/** The recovery codes listed on a page that shows them. */
export function recoveryCodesOn(page: Page): string[] {
  return [...page.html.matchAll(/<li><code>([A-Z0-9-]+)<\/code><\/li>/g)].map((match) => match[1] ?? '');
}

export async function expectPage(result: Page | { leftTo: string }): Promise<Page> {
  if (!isPage(result)) throw new Error(`expected a page, left to ${result.leftTo}`);
  return Promise.resolve(result);
}

export type { UserAgent };
