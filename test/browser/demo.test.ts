// `npm run demo` as a newcomer runs it: the provider on its embedded database and two commune sites, driven
// in Chromium with the account it prints: single sign-on, two pairwise subs, back-channel sign-out.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, SignJWT } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { findProjectRoot } from '../../src/config.js';
import { freePort } from '../support/server.js';
import { launchBrowser, logIn, messages } from './support.js';

const text = messages('fr');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2.1 A and AA violations on the page: the demo's sites are an example to copy. */
async function violationsOf(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate<{ id: string; nodes: { target: string[] }[] }[]>(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => r.violations)`,
  );
  return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
const dataDir = mkdtempSync(join(tmpdir(), 'glc-demo-'));
let ports: Record<'DEMO_PORT' | 'DEMO_OULLINS_PORT' | 'DEMO_BRON_PORT', string>;
let browser: Browser;

/** What the demo printed once ready: its three addresses and the demo account. */
interface Demo {
  provider: string;
  oullins: string;
  bron: string;
  email: string;
  password: string;
  /** SIGTERM to the process group, as Ctrl-C reaches it; resolves once nothing answers on the three ports. */
  stop(): Promise<void>;
}

/** `npm run demo` in its own process group (npm, the script, the provider), on this test's ports and data directory. */
async function startDemo(): Promise<Demo> {
  const { DATABASE_URL: _server, ...environment } = process.env; // the demo's database is the embedded one
  const child: ChildProcess = spawn('npm', ['run', 'demo', '--silent'], {
    cwd: findProjectRoot(),
    env: { ...environment, ...ports, DEMO_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('Ctrl-C')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`npm run demo stopped (${code}) before it was ready:\n${stdout}\n${stderr}`)));
  });
  const line = (label: string) => new RegExp(`^\\s*${label}\\s*: (\\S+)$`, 'm').exec(stdout)?.[1] ?? '';
  return {
    provider: line('GrandLyonConnect'),
    oullins: line('oullins\\.fr'),
    bron: line('bron\\.fr'),
    email: line('Compte de démo'),
    password: line('Mot de passe'),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid!, 'SIGTERM');
      await exited; // npm itself, killed by the signal; the demo then stops the provider and its sites
      expect(await nothingAnswers(Object.values(ports))).toBe(true);
    },
  };
}

/** Whether every one of `portsToCheck` refuses connections, tried for a few seconds while the processes exit. */
async function nothingAnswers(portsToCheck: string[]): Promise<boolean> {
  const answers = (port: string) =>
    fetch(`http://127.0.0.1:${port}/`).then(
      () => true,
      () => false,
    );
  for (let attempt = 0; attempt < 100; attempt++) {
    if (!(await Promise.all(portsToCheck.map(answers))).includes(true)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** The site's page after a back-channel logout that may still be on its way: reloaded until it says so. */
async function reloadUntilSignedOut(page: Page): Promise<void> {
  for (let attempt = 0; attempt < 50 && (await page.getByText('Vous n’êtes pas connecté.').count()) === 0; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await page.reload();
  }
}

beforeAll(async () => {
  ports = { DEMO_PORT: String(await freePort()), DEMO_OULLINS_PORT: String(await freePort()), DEMO_BRON_PORT: String(await freePort()) };
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser.close();
});

describe('npm run demo', () => {
  it('signs in on oullins.fr, is signed in on bron.fr without a password under another sub, signs out of both from one, and stops on SIGTERM', async () => {
    const demo = await startDemo();
    try {
      expect(demo).toMatchObject({
        provider: `http://localhost:${ports.DEMO_PORT}`,
        oullins: `http://oullins.localhost:${ports.DEMO_OULLINS_PORT}/`,
        bron: `http://bron.localhost:${ports.DEMO_BRON_PORT}/`,
        email: expect.stringContaining('@'),
        password: expect.stringMatching(/^.{12,}$/),
      });
      const context = await browser.newContext({ locale: 'fr-FR' });
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();

      // oullins.fr is first-party: the password, then straight back with the claims.
      await page.goto(demo.oullins);
      expect(await violationsOf(page)).toEqual([]);
      await page.getByRole('link', { name: 'Se connecter avec GrandLyonConnect' }).click();
      await logIn(page, demo);
      await page.waitForURL(demo.oullins);
      expect(await violationsOf(page)).toEqual([]);
      const oullinsSub = await page.locator('#sub').textContent();
      expect(oullinsSub).toMatch(/\S/);
      await expect(page.getByRole('table', { name: 'Informations du compte (userinfo)' }).textContent()).resolves.toContain(demo.email);

      // bron.fr: the provider's session signs the citizen in; bron.fr only asks for consent, once.
      await page.goto(demo.bron);
      await page.getByRole('link', { name: 'Se connecter avec GrandLyonConnect' }).click();
      await page.getByRole('button', { name: text.consent.allow, exact: true }).waitFor();
      expect(await page.getByLabel(text.login.password, { exact: true }).count()).toBe(0);
      await page.getByRole('button', { name: text.consent.allow, exact: true }).click();
      await page.waitForURL(demo.bron);
      const bronSub = await page.locator('#sub').textContent();
      expect(bronSub).toMatch(/\S/);
      expect(bronSub).not.toBe(oullinsSub); // pairwise: two communes, two identifiers
      await expect(page.getByRole('table', { name: 'Jeton d’identité (ID token)' }).textContent()).resolves.toContain(bronSub!);

      // Sign-out on oullins.fr through the provider; bron.fr learns it by back-channel logout.
      await page.goto(demo.oullins);
      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await page.getByRole('button', { name: 'Oui, me déconnecter' }).click();
      await page.waitForURL(demo.oullins);
      await page.getByText('Vous n’êtes pas connecté.').waitFor();
      await page.goto(demo.bron);
      await reloadUntilSignedOut(page);
      await expect(page.getByText('Vous n’êtes pas connecté.').count()).resolves.toBe(1);
      await expect(page.getByRole('status').textContent()).resolves.toContain('GrandLyonConnect a mis fin à votre session');
      await context.close();
    } finally {
      await demo.stop();
    }
  }, 240_000);

  it('reuses its registrations and demo account on a second run; its sites refuse logout tokens the provider did not sign', async () => {
    const before = readFileSync(join(dataDir, 'demo.json'), 'utf8');
    const demo = await startDemo();
    try {
      const saved = JSON.parse(before) as { account: { email: string; password: string } };
      expect([demo.email, demo.password]).toEqual([saved.account.email, saved.account.password]);
      expect(readFileSync(join(dataDir, 'demo.json'), 'utf8')).toBe(before);
      const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
      await page.goto(demo.oullins);
      await page.getByRole('link', { name: 'Se connecter avec GrandLyonConnect' }).click();
      await logIn(page, demo);
      await page.waitForURL(demo.oullins);
      await expect(page.locator('#sub').textContent()).resolves.toMatch(/\S/);

      // Someone who knows the session's sid posts logout tokens of their own making: nothing ends.
      const sid = JSON.parse(
        (await page
          .locator('tr', { has: page.locator('th', { hasText: /^sid$/ }) })
          .locator('td')
          .textContent())!,
      ) as string;
      const { clientId } = (JSON.parse(before) as { clients: Record<string, { clientId: string }> }).clients.oullins!;
      const claims = { events: { 'http://schemas.openid.net/event/backchannel-logout': {} }, sid, jti: 'forged' };
      const forged = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', typ: 'logout+jwt' })
        .setIssuer(demo.provider)
        .setAudience(clientId)
        .setIssuedAt()
        .sign((await generateKeyPair('RS256')).privateKey);
      const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, iss: demo.provider, aud: clientId, iat: Math.floor(Date.now() / 1000) })).toString('base64url')}.`;
      for (const token of [forged, unsigned, 'garbage']) {
        const answer = await fetch(`http://127.0.0.1:${ports.DEMO_OULLINS_PORT}/backchannel-logout`, {
          method: 'POST',
          body: new URLSearchParams({ logout_token: token }),
        });
        expect(answer.status).toBe(400);
      }
      await page.reload();
      await expect(page.locator('#sub').textContent()).resolves.toMatch(/\S/);
      await page.context().close();
    } finally {
      await demo.stop();
    }
  }, 240_000);
});
