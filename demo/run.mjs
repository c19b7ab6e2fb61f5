// npm run demo: GrandLyonConnect on its embedded database and two commune sites, oullins.fr and bron.fr
// stand-ins, signed in to with one account: single sign-on, two pairwise `sub`s, sign-out from one site and
// the other signed out by back-channel logout. Ctrl-C (or SIGTERM) stops all three.
//
// DEMO_PORT (3000), DEMO_OULLINS_PORT (3001), DEMO_BRON_PORT (3002): the three ports.
// DEMO_DATA_DIR (./data/demo): the provider's database, keys and outbox, and demo.json (the registrations).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRegistrations } from './register.mjs';
import { startSite } from './site.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const port = (name, fallback) => {
  const value = process.env[name] ?? String(fallback);
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) fail(`${name}: a port number, got "${value}"`);
  return Number(value);
};
const providerPort = port('DEMO_PORT', 3000);
const issuer = `http://localhost:${providerPort}`;
const dataDir = resolve(process.env.DEMO_DATA_DIR ?? join(root, 'data', 'demo'));
const sites = [
  { slug: 'oullins', communeName: 'Ville d’Oullins', title: 'oullins.fr', port: port('DEMO_OULLINS_PORT', 3001) },
  { slug: 'bron', communeName: 'Ville de Bron', title: 'bron.fr', port: port('DEMO_BRON_PORT', 3002) },
].map((site) => ({ ...site, origin: `http://${site.slug}.localhost:${site.port}` }));

// The environment of the provider and of glc: embedded database (no DATABASE_URL), the demo's own DATA_DIR,
// and the loopback address the sites' back-channel logout endpoints listen on admitted past the SSRF guard.
const env = {
  PATH: process.env.PATH ?? '',
  PORT: String(providerPort),
  ISSUER: issuer,
  DATA_DIR: dataDir,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  OUTBOUND_ALLOWLIST: '127.0.0.1',
};

let provider; // the GrandLyonConnect child process, once started
let stopping = false;
const started = []; // the sites, once started

function fail(message) {
  console.error(`demo: ${message}`);
  stopping = true;
  provider?.kill('SIGTERM');
  process.exit(1);
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

// `npm ci` builds dist/ (the prepare script); a checkout without it is built here once.
if (!existsSync(join(root, 'dist', 'main.js')) || !existsSync(join(root, 'dist', 'cli', 'glc.js'))) {
  console.log('demo: building dist/ (tsc)…');
  const built = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (built.status !== 0) fail('the build failed');
}
mkdirSync(dataDir, { recursive: true });

provider = spawn(process.execPath, [join(root, 'dist', 'main.js')], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
provider.once('exit', (code) => {
  if (stopping) return;
  console.error(`demo: GrandLyonConnect stopped (status ${code})`);
  void Promise.all(started.map((site) => site.close())).then(() => process.exit(1));
});
for (
  let attempt = 0;
  !(await fetch(`${issuer}/readyz`).then(
    (r) => r.ok,
    () => false,
  ));
  attempt++
) {
  if (attempt > 600) fail(`GrandLyonConnect did not answer at ${issuer}/readyz`);
  await new Promise((done) => setTimeout(done, 100));
}

// glc joins the running server's embedded database (one PGlite for all, which is also quicker).
const state = await ensureRegistrations({ root, env, sites }).catch((error) =>
  fail(`${error.message} (to start afresh: rm -rf ${dataDir})`),
);

for (const [index, site] of sites.entries()) {
  const other = sites[1 - index];
  const { clientId, clientSecret } = state.clients[site.slug];
  const start = startSite({ ...site, issuer, clientId, clientSecret, otherSite: other });
  started.push(await start.catch((error) => fail(`${site.title} on port ${site.port}: ${error.message}`)));
}

console.log(`
GrandLyonConnect, démo de l’authentification unique entre deux communes
  GrandLyonConnect : ${issuer}
  oullins.fr       : ${sites[0].origin}/
  bron.fr          : ${sites[1].origin}/
  Compte de démo   : ${state.account.email}
  Mot de passe     : ${state.account.password}
Connectez-vous sur l’un, ouvrez l’autre : vous y êtes déjà connecté, sous un autre identifiant (sub).
Déconnectez-vous sur l’un : l’autre l’apprend par la déconnexion back-channel.
Données dans ${dataDir}. Ctrl-C pour arrêter.
`);

async function stop() {
  if (stopping) return;
  stopping = true;
  const exited = provider && provider.exitCode === null ? new Promise((done) => provider.once('exit', done)) : Promise.resolve();
  provider?.kill('SIGTERM');
  await Promise.all([...started.map((site) => site.close()), exited]);
  process.exit(0);
}
