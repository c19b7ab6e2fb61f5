// A flood of sign-ins must not run every argon2 hash at once (each holds argon2.memoryKiB): beyond the
// bounded queue the answer is an immediate 503 with Retry-After, and the memory stays bounded by the cap.
import { hashingConcurrency } from '../../src/accounts/passwords.js';
import { discover, startAuthorization } from '../support/relying-party.js';
import { formsOf, isPage, UserAgent, type Page } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: ['lyon'], clients: { site: {} } }));

async function loginPage(agent: UserAgent, extra: Record<string, string> = {}): Promise<Page> {
  const login = await agent.navigate((await startAuthorization(await discover(world.server.issuer, world.site), world.site, extra)).url);
  if (!isPage(login) || !login.html.includes('name="password"')) throw new Error('expected the login page');
  return login;
}

const FLOOD = 150;

/** FLOOD logins at once, each on its own (unknown) email so that no throttle stops them before argon2. */
async function flood(agent: UserAgent, page: Page, headers: Record<string, string> = {}): Promise<Response[]> {
  const form = formsOf(page.html)[0]!;
  const action = new URL(form.action, page.url).toString();
  return Promise.all(
    Array.from({ length: FLOOD }, (_, i) =>
      agent.request(action, {
        method: 'POST',
        headers,
        form: { ...form.fields, email: `flood-${i}-${Math.random()}@example.org`, password: `guess number ${i} of many` },
      }),
    ),
  );
}

describe('the argon2 cap', () => {
  it('answers 503 "momentarily busy" with Retry-After beyond the bounded queue, with memory bounded by the cap', async () => {
    const agent = new UserAgent(world.server.issuer);
    const page = await loginPage(agent);
    await agent.submit(page, { email: 'warm-up@example.org', password: 'makes the dummy hash once' });
    const { memoryKiB } = world.server.config.argon2;
    // argon2's memory is native: the resident memory beside the JavaScript heap and buffers of the
    // requests and responses, which are this same process's too.
    const native = () => {
      const m = process.memoryUsage();
      return m.rss - m.heapTotal - m.external;
    };
    const nativeBefore = native();
    let nativePeak = nativeBefore;
    const sampler = setInterval(() => {
      nativePeak = Math.max(nativePeak, native());
    }, 5);
    const answers = await flood(agent, page);
    clearInterval(sampler);
    nativePeak = Math.max(nativePeak, native());

    const busy = answers.filter((answer) => answer.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(answers.every((answer) => answer.status === 401 || answer.status === 503)).toBe(true);
    for (const answer of busy) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const html = await busy[0]!.text();
    expect(html).toContain('<html lang="fr"');
    expect(html).toContain('Service momentanément surchargé');
    // At most `concurrency` hashes hold their memory at once, plus some slack for the sockets and
    // allocator; far below what FLOOD hashes at once would hold.
    const hashesAtOnce = hashingConcurrency() * memoryKiB * 1024;
    process.stdout.write(
      `argon2 cap: native memory growth ${Math.round((nativePeak - nativeBefore) / 2 ** 20)} MiB, ${busy.length}/${FLOOD} busy\n`,
    );
    expect(nativePeak - nativeBefore).toBeLessThan(hashesAtOnce + 32 * 1024 * 1024);
  });

  it('answers in English with ui_locales=en, and a program with a temporarily_unavailable error object', async () => {
    const agent = new UserAgent(world.server.issuer);
    const english = await flood(agent, await loginPage(agent, { ui_locales: 'en' }));
    const busyPage = english.find((answer) => answer.status === 503);
    expect(busyPage).toBeDefined();
    const html = await busyPage!.text();
    expect(html).toContain('<html lang="en"');
    expect(html).toContain('momentarily busy');

    const program = new UserAgent(world.server.issuer);
    const json = await flood(program, await loginPage(program), { accept: 'application/json' });
    const busyObject = json.find((answer) => answer.status === 503);
    expect(busyObject).toBeDefined();
    expect(Number(busyObject!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await busyObject!.json()).toMatchObject({ error: 'temporarily_unavailable' });
  });
});
