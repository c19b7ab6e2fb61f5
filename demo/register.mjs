// The demo's registrations, made once with `glc` as an operator would and kept in DATA_DIR/demo.json
// (readable by its owner only: it holds the client secrets and the demo password). A later run reuses them;
// a site whose address changed (another port) gets a new client of its commune.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** `glc … --json`, its one JSON object; a refusal stops the demo with glc's own one-line message. */
async function glc(root, env, args, input) {
  const child = run(process.execPath, [join(root, 'dist', 'cli', 'glc.js'), ...args, '--json'], { cwd: root, env });
  if (input !== undefined) child.child.stdin.end(input);
  try {
    return JSON.parse((await child).stdout);
  } catch (error) {
    throw new Error(`glc ${args.slice(0, 2).join(' ')}: ${error.stderr?.trim() || error.message}`, { cause: error });
  }
}

/**
 * Registers what `sites` need and is not in DATA_DIR/demo.json yet (the server runs: it made the database): each site's commune and
 * client (pairwise subjects, back-channel logout, the first one first-party), and the demo account.
 */
export async function ensureRegistrations({ root, env, sites }) {
  const file = join(env.DATA_DIR, 'demo.json');
  const state = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { communes: [], clients: {} };
  const save = () => writeFileSync(file, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  for (const [index, site] of sites.entries()) {
    if (!state.communes.includes(site.slug)) {
      await glc(root, env, ['commune', 'add', '--slug', site.slug, '--name', site.communeName]);
      state.communes.push(site.slug);
      save();
    }
    if (state.clients[site.slug]?.origin === site.origin) continue;
    const client = await glc(root, env, [
      'client', 'add',
      '--commune', site.slug,
      '--name', site.title,
      '--redirect-uri', `${site.origin}/callback`,
      '--post-logout-redirect-uri', `${site.origin}/`,
      // Server to server: the provider calls the site on loopback, which OUTBOUND_ALLOWLIST admits.
      '--backchannel-logout-uri', `http://127.0.0.1:${site.port}/backchannel-logout`,
      '--subject-type', 'pairwise',
      ...(index === 0 ? ['--first-party'] : []),
    ]); // prettier-ignore
    state.clients[site.slug] = { origin: site.origin, clientId: client.client_id, clientSecret: client.client_secret };
    save();
  }
  if (!state.account) {
    const account = { email: 'jeanne.demo@example.org', password: randomBytes(12).toString('base64url') };
    await glc(
      root,
      env,
      ['account', 'add', '--email', account.email, '--password-stdin', '--given-name', 'Jeanne', '--family-name', 'Démo', '--verified'],
      `${account.password}\n`,
    );
    state.account = account;
    save();
  }
  return state;
}
