// The README's openid-client site, as a developer pastes it (read from README.md, not copied here), run in
// its own Node process against a real provider: sign-in with PKCE and state, the claims, sign-out.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProjectRoot } from '../../src/config.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { filled, readmeExample } from '../support/readme.js';
import { signIn } from '../support/relying-party.js';
import { freePort } from '../support/server.js';
import { isPage, UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

let site: string;
const world = useWorld(async () => {
  site = `http://127.0.0.1:${await freePort()}`;
  return anOidcWorld({
    communes: ['oullins'],
    clients: { oullins: { name: 'oullins.fr', redirectUris: [`${site}/auth/callback`], postLogoutRedirectUris: [`${site}/`] } },
    accounts: { citizen: { givenName: 'Jeanne', familyName: 'Rivière' } },
  });
});

/** The README's block in a file of its own, `openid-client` resolved from this checkout, running as `node site.mjs`. */
const example = useWorld(async () => {
  const code = filled(readmeExample('openid-client'), {
    "'https://connect.grandlyon.example'": `'${world.server.issuer}'`,
    "'the client_id glc gave'": `'${world.oullins.clientId}'`,
    "'the client_secret glc gave'": `'${world.oullins.clientSecret!}'`,
    "'http://localhost:8080'": `'${site}'`,
    // The one line the README tells a developer to uncomment against a local http:// provider.
    '// execute: [oidc.allowInsecureRequests]': 'execute: [oidc.allowInsecureRequests]',
  });
  const dir = mkdtempSync(join(tmpdir(), 'glc-readme-'));
  symlinkSync(join(findProjectRoot(), 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'site.mjs'), code);
  const child: ChildProcess = spawn(process.execPath, [join(dir, 'site.mjs')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  for (let attempt = 0; ; attempt++) {
    if (
      await fetch(site).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (child.exitCode !== null || attempt > 200) throw new Error(`the README's site did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    stderr: () => stderr,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
});

/** The browser's side of the site: its one cookie, `sid`, kept across requests. */
class SiteVisitor {
  private sid: string | undefined;

  async request(path: string, method = 'GET'): Promise<Response> {
    const response = await fetch(new URL(path, site), {
      method,
      redirect: 'manual',
      headers: this.sid ? { cookie: `sid=${this.sid}` } : {},
    });
    const sid = /^sid=([\w-]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
    if (sid) this.sid = sid;
    return response;
  }
}

describe("the README's openid-client site", () => {
  it('signs a citizen in with the code flow, greets them by their userinfo name, and signs out through the provider', async () => {
    const visitor = new SiteVisitor();
    const provider = new UserAgent(world.server.issuer);
    expect(await (await visitor.request('/')).text()).toContain('href="/login"');

    const start = await visitor.request('/login');
    expect(start.status).toBe(303);
    const authorization = new URL(start.headers.get('location')!);
    expect(authorization.origin).toBe(world.server.issuer);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('state')).toEqual(expect.any(String));

    const callback = await signIn(provider, { url: authorization.href, verifier: '', state: '', nonce: '' }, world.citizen);
    expect(callback.startsWith(`${site}/auth/callback?`)).toBe(true);
    const landed = await visitor.request(new URL(callback).pathname + new URL(callback).search);
    expect([landed.status, landed.headers.get('location'), example.stderr()]).toEqual([303, '/', '']);
    const home = await (await visitor.request('/')).text();
    expect(home).toContain('Bonjour Jeanne');

    const logout = await visitor.request('/logout', 'POST');
    expect(logout.status).toBe(303);
    const confirmation = await provider.navigate(logout.headers.get('location')!);
    if (!isPage(confirmation)) throw new Error('expected the logout confirmation page');
    expect(await provider.submit(confirmation, { logout: 'yes' })).toEqual({ leftTo: `${site}/` });
    expect(await (await visitor.request('/')).text()).toContain('href="/login"');

    // Signed out of the provider too: a new sign-in asks for the password again.
    const again = await provider.navigate((await visitor.request('/login')).headers.get('location')!);
    expect(isPage(again) && again.html.includes('name="password"')).toBe(true);
  });

  it('answers a callback it did not start (a forged or replayed one) with a refusal, and keeps serving', async () => {
    const visitor = new SiteVisitor();
    await visitor.request('/login');
    const forged = await visitor.request('/auth/callback?code=stolen&state=guessed');
    expect(forged.status).toBe(400);
    expect(await forged.text()).toMatch(/^Connexion refusée/);
    const stranger = await new SiteVisitor().request('/auth/callback?code=stolen&state=guessed');
    expect(stranger.status).toBe(400);
    expect((await fetch(site)).status).toBe(200);
  });
});
