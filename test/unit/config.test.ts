import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFiles } from '../../src/config-files.js';
import { ConfigError, findProjectRoot, loadConfig, parseOutboundAllowList } from '../../src/config.js';
import { thrownBy } from '../support/thrown.js';

const configErrorOf = (env: NodeJS.ProcessEnv) => thrownBy(ConfigError, () => loadConfig(env), `loadConfig(${JSON.stringify(env)})`);

describe('loadConfig', () => {
  it('starts with sensible defaults and the tunables of config/default.json', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.issuer).toBe('http://localhost:3000');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.logLevel).toBe('info');
    expect(config.trustProxy).toBe(false);
    expect(config.isProduction).toBe(false);
    expect(config.argon2.timeCost).toBeGreaterThanOrEqual(2);
    expect(config.passwordPolicy.minLength).toBeGreaterThan(0);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('builds the default issuer from PORT', () => {
    expect(loadConfig({ PORT: '8080' }).issuer).toBe('http://localhost:8080');
  });

  it.each(['abc', '70000', '-1', '3.5'])('refuses PORT=%s, naming the variable', (port) => {
    const error = configErrorOf({ PORT: port });
    expect(error.variable).toBe('PORT');
    expect(error.message).toMatch(/^PORT: /);
  });

  it.each([' ', '0x50', '1e3'])('refuses PORT=%j, which is not written as a decimal integer', (port) => {
    expect(configErrorOf({ PORT: port }).variable).toBe('PORT');
  });

  it('keeps ISSUER as an origin without its trailing slash', () => {
    expect(loadConfig({ ISSUER: 'https://connect.grandlyon.fr/' }).issuer).toBe('https://connect.grandlyon.fr');
  });

  it.each([
    ['a path', 'https://connect.grandlyon.fr/oidc'],
    ['a query', 'https://connect.grandlyon.fr/?tenant=lyon'],
    ['a fragment', 'https://connect.grandlyon.fr/#top'],
    ['an empty query', 'https://connect.grandlyon.fr/?'],
    ['an empty fragment', 'https://connect.grandlyon.fr#'],
    ['credentials', 'https://admin:secret@connect.grandlyon.fr'],
    ['another scheme', 'ftp://connect.grandlyon.fr'],
    ['no scheme', 'connect.grandlyon.fr'],
  ])('refuses an ISSUER with %s', (_case, issuer) => {
    expect(configErrorOf({ ISSUER: issuer }).variable).toBe('ISSUER');
  });

  it('accepts a postgres DATABASE_URL and refuses others', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://glc@db.internal:5432/glc' }).databaseUrl).toBe('postgresql://glc@db.internal:5432/glc');
    expect(configErrorOf({ DATABASE_URL: 'mysql://db/glc' }).variable).toBe('DATABASE_URL');
    expect(configErrorOf({ DATABASE_URL: 'not a url' }).variable).toBe('DATABASE_URL');
  });

  it('accepts the pino levels and refuses any other LOG_LEVEL', () => {
    expect(loadConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(configErrorOf({ LOG_LEVEL: 'verbose' }).variable).toBe('LOG_LEVEL');
  });

  it('requires SECRET_KEY in production', () => {
    expect(configErrorOf({ NODE_ENV: 'production' }).variable).toBe('SECRET_KEY');
    const config = loadConfig({ NODE_ENV: 'production', SECRET_KEY: 'k'.repeat(32) });
    expect(config.isProduction).toBe(true);
    expect(config.secretKey).toBe('k'.repeat(32));
  });

  it('refuses a SECRET_KEY shorter than 32 characters', () => {
    expect(configErrorOf({ NODE_ENV: 'production', SECRET_KEY: 'k'.repeat(31) }).variable).toBe('SECRET_KEY');
    expect(configErrorOf({ SECRET_KEY: 'short' }).variable).toBe('SECRET_KEY');
  });

  it('lets development run without SECRET_KEY', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).secretKey).toBeUndefined();
  });

  it.each(['', 'false', '0', 'no', 'off'])('trusts no proxy with TRUST_PROXY=%j', (value) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toBe(false);
  });

  it.each([
    ['1', 1],
    ['2', 2],
  ])('reads TRUST_PROXY=%s as that many trusted hops', (value, hops) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual({ hops });
  });

  it('reads TRUST_PROXY as a list of proxy addresses and CIDR ranges', () => {
    const trust = loadConfig({ TRUST_PROXY: ' 10.0.0.5 , 172.16.0.0/12, fd00::/8 ' }).trustProxy;
    if (!trust || !('proxies' in trust)) throw new Error('expected a list of proxies');
    expect(trust.proxies.entries).toEqual(['10.0.0.5', '172.16.0.0/12', 'fd00::/8']);
    expect(trust.proxies.includes('10.0.0.5')).toBe(true);
    expect(trust.proxies.includes('172.20.1.2')).toBe(true);
    expect(trust.proxies.includes('::ffff:172.20.1.2')).toBe(true);
    expect(trust.proxies.includes('fd12::1')).toBe(true);
    expect(trust.proxies.includes('10.0.0.6')).toBe(false);
    expect(trust.proxies.includes('not an address')).toBe(false);
  });

  it.each(['true', 'yes', 'ON'])('refuses the ambiguous TRUST_PROXY=%s, asking for hops or addresses', (value) => {
    const error = configErrorOf({ TRUST_PROXY: value });
    expect(error.variable).toBe('TRUST_PROXY');
    expect(error.message).toMatch(/^TRUST_PROXY: .*number of proxies/);
  });

  it.each(['maybe', '-1', '1.5', '10.0.0.0/33', 'proxy.internal', '10.0.0.1,', '1, 10.0.0.1'])('refuses TRUST_PROXY=%j', (value) => {
    expect(configErrorOf({ TRUST_PROXY: value }).variable).toBe('TRUST_PROXY');
  });

  it('refuses a METRICS_TOKEN too short or with characters a header cannot carry, and leaves /metrics open without one', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: 'a'.repeat(32) }).metricsToken).toBe('a'.repeat(32));
    expect(configErrorOf({ METRICS_TOKEN: 'short' }).variable).toBe('METRICS_TOKEN');
    expect(configErrorOf({ METRICS_TOKEN: `${'a'.repeat(32)} b` }).variable).toBe('METRICS_TOKEN');
    expect(configErrorOf({ METRICS_TOKEN: `${'a'.repeat(32)}é` }).variable).toBe('METRICS_TOKEN');
  });

  it('refuses an SMTP_URL that is not smtp(s)', () => {
    expect(loadConfig({ SMTP_URL: 'smtp://127.0.0.1:2525' }).smtpUrl).toBe('smtp://127.0.0.1:2525');
    expect(configErrorOf({ SMTP_URL: 'http://mail.example.org' }).variable).toBe('SMTP_URL');
  });

  it('refuses a malformed OUTBOUND_ALLOWLIST', () => {
    expect(configErrorOf({ OUTBOUND_ALLOWLIST: '10.0.0.0/33' }).variable).toBe('OUTBOUND_ALLOWLIST');
  });
});

describe('parseOutboundAllowList', () => {
  it('allows nothing when empty', () => {
    const list = parseOutboundAllowList(undefined);
    expect(list.entries).toEqual([]);
    expect(list.allows('127.0.0.1')).toBe(false);
    expect(list.allows('localhost')).toBe(false);
  });

  it('allows listed host names whatever their case, and only them', () => {
    const list = parseOutboundAllowList(' localhost , rp.lyon.internal ');
    expect(list.entries).toEqual(['localhost', 'rp.lyon.internal']);
    expect(list.allows('LOCALHOST')).toBe(true);
    expect(list.allows('rp.lyon.internal')).toBe(true);
    expect(list.allows('evil.lyon.internal')).toBe(false);
  });

  it('allows single addresses and CIDR ranges, IPv4 and IPv6', () => {
    const list = parseOutboundAllowList('127.0.0.1,10.0.0.0/8,::1,fd00::/8');
    expect(list.allows('127.0.0.1')).toBe(true);
    expect(list.allows('127.0.0.2')).toBe(false);
    expect(list.allows('10.20.30.40')).toBe(true);
    expect(list.allows('11.0.0.1')).toBe(false);
    expect(list.allows('[::1]')).toBe(true);
    expect(list.allows('fd12:3456::1')).toBe(true);
    expect(list.allows('fe80::1')).toBe(false);
  });

  it.each(['10.0.0.0/33', '::/129', '10.0.0.0/x', 'rp.lyon.internal/8', 'http://rp.example', 'a b'])(
    'refuses "%s" naming OUTBOUND_ALLOWLIST',
    (entry) => {
      expect(() => parseOutboundAllowList(entry)).toThrow(ConfigError);
      expect(() => parseOutboundAllowList(entry)).toThrow(/^OUTBOUND_ALLOWLIST: /);
    },
  );
});

describe('the files under config/', () => {
  const shipped = join(findProjectRoot(), 'config');
  const copies: string[] = [];
  afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** A copy of config/ where `arrange` changed what it wants. */
  function aConfigDir(arrange: (dir: string) => void): string {
    const dir = mkdtempSync(join(tmpdir(), 'glc-config-'));
    copies.push(dir);
    cpSync(shipped, dir, { recursive: true });
    arrange(dir);
    return dir;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a config file's JSON, which each case edits freely
  const withJson = (file: string, change: (json: any) => unknown) =>
    aConfigDir((dir) => {
      writeFileSync(join(dir, file), JSON.stringify(change(JSON.parse(readFileSync(join(dir, file), 'utf8')))));
    });

  const refusalOf = (dir: string) => thrownBy(ConfigError, () => loadConfigFiles(dir), `the files of ${dir}`).message;

  it('accepts the shipped files, and the configuration carries each of them', () => {
    const config = loadConfig({});
    expect(config.rateLimits.passwordChecks.perAccount.free).toBeGreaterThan(0);
    expect(config.contributionGrid.currency).toBe('EUR');
    expect(config.contributionGrid.brackets.at(-1)!.upToInhabitants).toBeNull();
    expect(config.frenchCommonPasswords).toContain('motdepasse');
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as withJson's
  it.each<[string, string, (json: any) => unknown, string]>([
    [
      'a zero where a positive integer is due',
      'default.json',
      (j) => {
        j.rateLimits.passwordChecks.perAccount.free = 0;
        return j;
      },
      'config/default.json: rateLimits.passwordChecks.perAccount.free must be a positive integer',
    ],
    [
      'a number written as a text',
      'default.json',
      (j) => {
        j.ttlSeconds.accessToken = '3600';
        return j;
      },
      'config/default.json: ttlSeconds.accessToken must be a positive integer',
    ],
    [
      'a fraction',
      'default.json',
      (j) => {
        j.argon2.timeCost = 2.5;
        return j;
      },
      'config/default.json: argon2.timeCost must be a positive integer',
    ],
    [
      'a missing setting',
      'default.json',
      (j) => {
        delete j.argon2.timeCost;
        return j;
      },
      'config/default.json: argon2.timeCost is missing',
    ],
    [
      'a misspelt setting',
      'default.json',
      (j) => {
        j.argon2.timecost = 3;
        return j;
      },
      'config/default.json: argon2.timecost is not a known setting',
    ],
    [
      'a throttle whose longest delay is below its first',
      'default.json',
      (j) => {
        j.rateLimits.registrationsPerAddress.maxDelaySeconds = 1;
        return j;
      },
      'config/default.json: rateLimits.registrationsPerAddress.maxDelaySeconds must not be below firstDelaySeconds',
    ],
    [
      'a password policy whose maximum is below its minimum',
      'default.json',
      (j) => {
        j.passwordPolicy.maxLength = 8;
        return j;
      },
      'config/default.json: passwordPolicy.maxLength must not be below minLength',
    ],
    [
      'a commune token lifetime outside its own bounds',
      'default.json',
      (j) => {
        j.operators.communeTokenTtlSeconds.default = 30;
        return j;
      },
      'config/default.json: operators.communeTokenTtlSeconds.default must lie between min and max',
    ],
    [
      "a default page of the operators' API above its largest",
      'default.json',
      (j) => {
        j.operatorsApi.pageSize.default = 500;
        return j;
      },
      'config/default.json: operatorsApi.pageSize.default must not be above max',
    ],
    [
      'an export holding fewer history entries than a page shows',
      'default.json',
      (j) => {
        j.accountHistory.exportedEntries = 10;
        return j;
      },
      'config/default.json: accountHistory.exportedEntries must not be below securityEventsShown or sharingEntriesShown',
    ],
    [
      "an operators' API body limit above what the edge buffers",
      'default.json',
      (j) => {
        j.operatorsApi.bodyLimitBytes = Number(j.http.edgeBodyLimitBytes) + 1;
        return j;
      },
      'config/default.json: http.edgeBodyLimitBytes must not be below operatorsApi.bodyLimitBytes',
    ],
    ['a list instead of an object', 'default.json', () => [], 'config/default.json: the file must be an object'],
    [
      'a bracket edge that is neither a number nor null',
      'contributions.json',
      (j) => {
        j.brackets[2].upToInhabitants = 'twenty thousand';
        return j;
      },
      'config/contributions.json: brackets[2].upToInhabitants must be a number of inhabitants, or null for the last, open bracket',
    ],
    [
      'brackets out of order',
      'contributions.json',
      (j) => {
        j.brackets.reverse();
        return j;
      },
      'config/contributions.json: brackets must be in increasing order and end with an open one',
    ],
    [
      'a discount above 100 %',
      'contributions.json',
      (j) => {
        j.discounts[0].percent = 120;
        return j;
      },
      'config/contributions.json: discounts[0].percent must be a percentage between 0 and 100',
    ],
  ])('refuses %s, naming the file and the path', (_case, file, change, message) => {
    expect(refusalOf(withJson(file, change))).toBe(message);
  });

  it('refuses a password list line with spaces around it, naming the line', () => {
    const dir = aConfigDir((d) => writeFileSync(join(d, 'common-passwords-fr.txt'), 'motdepasse\n\n soleil123456\n'));
    expect(refusalOf(dir)).toBe('config/common-passwords-fr.txt: line 3 must be a password without spaces around it');
  });

  it('refuses a file that is not JSON', () => {
    const dir = aConfigDir((d) => writeFileSync(join(d, 'contributions.json'), '{ "currency": '));
    expect(refusalOf(dir)).toMatch(/^config\/contributions\.json: is not valid JSON \(/);
  });

  it('refuses a missing file', () => {
    expect(refusalOf(aConfigDir((d) => rmSync(join(d, 'contributions.json'))))).toBe('config/contributions.json: is missing');
  });

  it('refuses a file or a folder it does not know rather than ignoring it', () => {
    expect(refusalOf(aConfigDir((d) => writeFileSync(join(d, 'defaults.json'), '{}')))).toMatch(
      /^config\/defaults\.json: is not a configuration file \(config\/ holds default\.json, /,
    );
    expect(refusalOf(aConfigDir((d) => mkdirSync(join(d, 'pages'))))).toMatch(/^config\/pages: is not a configuration file/);
  });

  it('freezes the whole configuration, all the way down', () => {
    const config = loadConfig({ TRUST_PROXY: '10.0.0.1', OUTBOUND_ALLOWLIST: 'localhost' });
    const nested = [
      config,
      config.rateLimits,
      config.rateLimits.passwordChecks.perAccount,
      config.contributionGrid,
      config.contributionGrid.brackets,
      config.contributionGrid.brackets[0],
      config.frenchCommonPasswords,
      config.outboundAllowList,
      config.outboundAllowList.entries,
      config.trustProxy,
    ];
    for (const value of nested) expect(Object.isFrozen(value)).toBe(true);
    expect(() => {
      (config.rateLimits.passwordChecks.perAccount as { free: number }).free = 1_000_000;
    }).toThrow(TypeError);
    expect(() => {
      config.frenchCommonPasswords.push('x');
    }).toThrow(TypeError);
  });
});
