// Apache httpd with mod_auth_openidc (Debian's packages) as a commune site's relying party, in a temp
// directory, on a free port: the relying party the Métropole's own intranet sites use.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filled, readmeExample } from '../support/readme.js';
import { freePort } from '../support/server.js';

const MODULES = '/usr/lib/apache2/modules';

export interface ApacheSite {
  origin: string;
  redirectUri: string;
  postLogoutUri: string;
  errorLog(): string;
  stop(): Promise<void>;
}

export function redirectUriFor(port: number): string {
  return `http://127.0.0.1:${port}/protected/redirect_uri`;
}

/** The README's mod_auth_openidc block, its placeholders filled: what a commune pastes is what the test runs. */
function oidcConfiguration(options: { port: number; issuer: string; clientId: string; clientSecret: string }): string {
  return filled(readmeExample('apache'), {
    'https://connect.grandlyon.example': options.issuer,
    'https://www.oullins.fr': `http://127.0.0.1:${options.port}`,
    CLIENT_ID: options.clientId,
    CLIENT_SECRET: options.clientSecret,
    A_LONG_RANDOM_PASSPHRASE: Buffer.from(options.clientSecret).toString('hex').slice(0, 32),
  });
}

export async function startApache(options: { port: number; issuer: string; clientId: string; clientSecret: string }): Promise<ApacheSite> {
  const root = mkdtempSync(join(tmpdir(), 'glc-apache-'));
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'htdocs', 'protected'), { recursive: true });
  writeFileSync(
    join(root, 'htdocs', 'protected', 'index.html'),
    '<!DOCTYPE html><html lang="fr"><meta charset="utf-8"><title>Intranet</title><h1>Espace protégé de la commune</h1></html>\n',
  );
  writeFileSync(
    join(root, 'htdocs', 'loggedout.html'),
    '<!DOCTYPE html><html lang="fr"><meta charset="utf-8"><title>Au revoir</title><h1>Déconnecté du site</h1></html>\n',
  );
  const origin = `http://127.0.0.1:${options.port}`;
  writeFileSync(
    join(root, 'httpd.conf'),
    `
ServerRoot "${root}"
ServerName 127.0.0.1
Listen 127.0.0.1:${options.port}
PidFile "${root}/httpd.pid"
ErrorLog "${root}/error.log"
LogLevel warn auth_openidc:info
User www-data
Group www-data
LoadModule mpm_event_module ${MODULES}/mod_mpm_event.so
LoadModule authz_core_module ${MODULES}/mod_authz_core.so
LoadModule authn_core_module ${MODULES}/mod_authn_core.so
LoadModule authz_user_module ${MODULES}/mod_authz_user.so
LoadModule mime_module ${MODULES}/mod_mime.so
LoadModule dir_module ${MODULES}/mod_dir.so
LoadModule auth_openidc_module ${MODULES}/mod_auth_openidc.so
TypesConfig /etc/mime.types
AddDefaultCharset UTF-8
DocumentRoot "${root}/htdocs"
DirectoryIndex index.html
<Directory "${root}/htdocs">
  Require all granted
</Directory>
${oidcConfiguration(options)}
# Lets the test read the claims the module received (?info=json at the redirect URI).
OIDCInfoHook iat access_token id_token userinfo
`,
  );
  const child: ChildProcess = spawn('/usr/sbin/apache2', ['-f', join(root, 'httpd.conf'), '-DFOREGROUND'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let startupErrors = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    startupErrors += chunk.toString();
  });
  for (let attempt = 0; attempt < 100; attempt++) {
    const answered = await fetch(`${origin}/loggedout.html`).then(
      (r) => r.ok,
      () => false,
    );
    if (answered) break;
    if (child.exitCode !== null) throw new Error(`apache did not start: ${startupErrors}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    origin,
    redirectUri: redirectUriFor(options.port),
    postLogoutUri: `${origin}/loggedout.html`,
    errorLog: () => readFileSync(join(root, 'error.log'), 'utf8'),
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export function isApacheInstalled(): boolean {
  return spawnSync('/usr/sbin/apache2', ['-v']).status === 0;
}

export { freePort };
