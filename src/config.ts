// The one place that reads process.env: environment + every file under config/ → one validated, deep-frozen
// Config. A bad value throws ConfigError naming the variable or the file and path; main and glc print it on
// one line and exit 1.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlockList, isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { ConfigError } from './config-error.js';
import { loadConfigFiles } from './config-files.js';
import type { ContributionGrid, Tunables } from './config-schema.js';

export { ConfigError } from './config-error.js';
export type { Bracket, ContributionGrid, Discount, ThrottlePolicy, Tunables } from './config-schema.js';

export interface OutboundAllowList {
  readonly entries: readonly string[];
  allows(host: string): boolean;
}

/** Addresses and CIDR ranges of the reverse proxies allowed to write X-Forwarded-For. */
export interface ProxyList {
  readonly entries: readonly string[];
  includes(address: string): boolean;
}

/**
 * Who writes X-Forwarded-For entries we believe: nobody, the last `hops` proxies in front of us, or the
 * proxies at the listed addresses. Every other entry was written by the client and may be forged.
 */
export type TrustProxy = false | { readonly hops: number } | { readonly proxies: ProxyList };

/** The pages every public-service site carries in its footer. */
export const INFO_PAGES = ['accessibility', 'legal', 'privacy', 'help'] as const;
export type InfoPage = (typeof INFO_PAGES)[number];

/** The upstream FranceConnect (federation/): its issuer, and the client it registered us as. */
export interface FranceConnectConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface Config extends Tunables {
  /** config/contributions.json: what each commune pays a year. */
  contributionGrid: ContributionGrid;
  /** config/common-passwords-fr.txt: refused passwords beyond zxcvbn's list, one a line (blank lines ignored). */
  frenchCommonPasswords: string[];
  /** config/page-<name>.<fr|en>.md: the footer's pages, Markdown an operator edits. */
  infoPages: Record<InfoPage, { fr: string; en: string }>;
  port: number;
  /** The address the server binds; undefined: every interface. */
  host: string | undefined;
  /** Server processes on the port (node:cluster when above 1); 1 on the embedded database. */
  workers: number;
  issuer: string;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: string;
  secretKey: string | undefined;
  isProduction: boolean;
  smtpUrl: string | undefined;
  trustProxy: TrustProxy;
  /** When set, /metrics answers only to `Authorization: Bearer <metricsToken>`. */
  metricsToken: string | undefined;
  outboundAllowList: OutboundAllowList;
  /** Unset: no FranceConnect button anywhere, its routes answer 404. */
  franceConnect: FranceConnectConfig | undefined;
  projectRoot: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The checkout's root (where package.json is), whether running from src/ or dist/. */
export function findProjectRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + from);
    dir = parent;
  }
  return dir;
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError('PORT', `must be an integer between 0 and 65535, got "${value}"`);
  }
  return port;
}

// A name or an address to bind: IPv4, IPv6 (with or without brackets) or a host name that resolves here.
function parseHost(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const bare = value.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare) === 0 && !/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(bare)) {
    throw new ConfigError('HOST', `must be an IP address or a host name to bind, got "${value}"`);
  }
  return bare;
}

// The embedded database is one PGlite behind one connection, owned by the process that opened DATA_DIR: a
// second server process could not share it, so more than one worker needs a Postgres server.
function parseWorkers(value: string | undefined, databaseUrl: string | undefined): number {
  if (value === undefined || value === '') return databaseUrl ? availableParallelism() : 1;
  const workers = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(workers >= 1 && workers <= 256)) throw new ConfigError('WORKERS', `must be an integer between 1 and 256, got "${value}"`);
  if (workers > 1 && !databaseUrl) {
    throw new ConfigError('WORKERS', 'above 1 needs DATABASE_URL (the embedded database serves one process)');
  }
  return workers;
}

function parseIssuer(value: string | undefined, port: number): string {
  const raw = value === undefined || value === '' ? `http://localhost:${port}` : value;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('ISSUER', `must be an absolute URL, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError('ISSUER', 'must be an http(s) URL');
  if (raw.includes('?') || raw.includes('#')) throw new ConfigError('ISSUER', 'must not have a query or fragment');
  if (url.username || url.password) throw new ConfigError('ISSUER', 'must not contain credentials');
  if (url.pathname !== '/') throw new ConfigError('ISSUER', 'must be an origin without a path (e.g. https://connect.grandlyon.fr)');
  return url.origin;
}

function parseDatabaseUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error();
  } catch {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// URL');
  }
  return value;
}

function parseSmtpUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error();
  } catch {
    throw new ConfigError('SMTP_URL', 'must be an smtp:// or smtps:// URL');
  }
  return value;
}

export function parseOutboundAllowList(value: string | undefined): OutboundAllowList {
  const entries = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const blocks = new BlockList();
  const hosts = new Set<string>();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address);
    if (family !== 0) {
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) blocks.addAddress(address, type);
      else {
        const bits = Number(prefix);
        if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) {
          throw new ConfigError('OUTBOUND_ALLOWLIST', `bad CIDR range "${entry}"`);
        }
        blocks.addSubnet(address, bits, type);
      }
    } else if (prefix === undefined && /^[a-z0-9.-]+$/i.test(entry)) {
      hosts.add(entry.toLowerCase());
    } else {
      throw new ConfigError('OUTBOUND_ALLOWLIST', `"${entry}" is neither a host name nor an IP/CIDR`);
    }
  }
  return {
    entries,
    allows(host: string) {
      const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
      const family = isIP(bare);
      if (family === 0) return hosts.has(bare);
      return blocks.check(bare, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/** IPv4 clients of a dual-stack socket show as ::ffff:a.b.c.d; a list of IPv4 ranges must still match them. */
function unmapped(address: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  return v4 ?? address;
}

function parseProxyList(entries: string[]): ProxyList {
  const blocks = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? (family === 4 ? 32 : 128) : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
    if (family === 0 || extra !== undefined || !(bits >= 0 && bits <= (family === 4 ? 32 : 128))) {
      throw new ConfigError('TRUST_PROXY', `"${entry}" is not an IP address or CIDR range`);
    }
    blocks.addSubnet(address, bits, family === 4 ? 'ipv4' : 'ipv6');
  }
  return {
    entries,
    includes(address) {
      const bare = unmapped(address);
      const family = isIP(bare);
      return family !== 0 && blocks.check(bare, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

// `true` used to mean "believe the leftmost X-Forwarded-For entry", which the client writes: it is refused
// rather than guessed, so that an upgrade cannot silently keep or change who is trusted.
function parseTrustProxy(value: string | undefined): TrustProxy {
  const raw = (value ?? '').trim();
  if (['', 'false', '0', 'no', 'off'].includes(raw.toLowerCase())) return false;
  if (['true', 'yes', 'on'].includes(raw.toLowerCase())) {
    throw new ConfigError(
      'TRUST_PROXY',
      `"${raw}" is ambiguous: give the number of proxies in front of the server (e.g. 1) or their addresses/CIDR ranges`,
    );
  }
  if (/^\d{1,2}$/.test(raw)) return { hops: Number(raw) };
  return { proxies: parseProxyList(raw.split(',').map((entry) => entry.trim())) };
}

// A bearer token travels in a header: visible ASCII only, and long enough not to be guessed.
function parseMetricsToken(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^[\x21-\x7e]{32,}$/.test(value)) {
    throw new ConfigError('METRICS_TOKEN', 'must be at least 32 visible ASCII characters (e.g. openssl rand -hex 32)');
  }
  return value;
}

const FRANCECONNECT_VARIABLES = ['FRANCECONNECT_ISSUER', 'FRANCECONNECT_CLIENT_ID', 'FRANCECONNECT_CLIENT_SECRET'] as const;

// Plain http only towards this machine (a stand-in in tests, a local mock): the ID token travels on it.
function parseFranceConnectIssuer(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('FRANCECONNECT_ISSUER', `must be an absolute URL, got "${raw}"`);
  }
  const isLocal = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLocal)) {
    throw new ConfigError('FRANCECONNECT_ISSUER', 'must be an https URL (http only for localhost or 127.0.0.1)');
  }
  if (raw.includes('?') || raw.includes('#') || url.username || url.password) {
    throw new ConfigError('FRANCECONNECT_ISSUER', 'must not have credentials, a query or a fragment');
  }
  // As FranceConnect publishes it: discovery compares it with its document's issuer.
  return raw;
}

/** All three variables or none: half a configuration would show a button that cannot work. */
function parseFranceConnect(env: NodeJS.ProcessEnv): FranceConnectConfig | undefined {
  const set = FRANCECONNECT_VARIABLES.filter((name) => (env[name] ?? '') !== '');
  if (set.length === 0) return undefined;
  const missing = FRANCECONNECT_VARIABLES.find((name) => !set.includes(name));
  if (missing) throw new ConfigError(missing, 'is required when any FRANCECONNECT_* variable is set (all three or none)');
  const clientId = env.FRANCECONNECT_CLIENT_ID ?? '';
  const clientSecret = env.FRANCECONNECT_CLIENT_SECRET ?? '';
  if (!/^[\x21-\x7e]{1,200}$/.test(clientId)) throw new ConfigError('FRANCECONNECT_CLIENT_ID', 'must be 1 to 200 visible ASCII characters');
  if (!/^[\x21-\x7e]{16,500}$/.test(clientSecret)) {
    throw new ConfigError('FRANCECONNECT_CLIENT_SECRET', 'must be 16 to 500 visible ASCII characters');
  }
  return { issuer: parseFranceConnectIssuer(env.FRANCECONNECT_ISSUER ?? ''), clientId, clientSecret };
}

function parseSecretKey(value: string | undefined, isProduction: boolean): string | undefined {
  if (value === undefined || value === '') {
    if (isProduction) throw new ConfigError('SECRET_KEY', 'is required when NODE_ENV=production');
    return undefined;
  }
  if (value.length < 32) throw new ConfigError('SECRET_KEY', 'must be at least 32 characters');
  return value;
}

/** Frozen all the way down: no module can change a setting another one reads. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const projectRoot = findProjectRoot();
  const port = parsePort(env.PORT);
  const isProduction = env.NODE_ENV === 'production';
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const files = loadConfigFiles(join(projectRoot, 'config'));
  const config: Config = {
    ...files['default.json'],
    contributionGrid: files['contributions.json'],
    frenchCommonPasswords: files['common-passwords-fr.txt'],
    infoPages: {
      accessibility: { fr: files['page-accessibility.fr.md'], en: files['page-accessibility.en.md'] },
      legal: { fr: files['page-legal.fr.md'], en: files['page-legal.en.md'] },
      privacy: { fr: files['page-privacy.fr.md'], en: files['page-privacy.en.md'] },
      help: { fr: files['page-help.fr.md'], en: files['page-help.en.md'] },
    },
    port,
    host: parseHost(env.HOST),
    workers: parseWorkers(env.WORKERS, parseDatabaseUrl(env.DATABASE_URL)),
    issuer: parseIssuer(env.ISSUER, port),
    databaseUrl: parseDatabaseUrl(env.DATABASE_URL),
    dataDir: resolve(env.DATA_DIR || join(process.cwd(), 'data')),
    logLevel,
    secretKey: parseSecretKey(env.SECRET_KEY, isProduction),
    isProduction,
    smtpUrl: parseSmtpUrl(env.SMTP_URL),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    metricsToken: parseMetricsToken(env.METRICS_TOKEN),
    outboundAllowList: parseOutboundAllowList(env.OUTBOUND_ALLOWLIST),
    franceConnect: parseFranceConnect(env),
    projectRoot,
  };
  return deepFreeze(config);
}
