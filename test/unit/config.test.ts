import { ConfigError, loadConfig, parseOutboundAllowList } from '../../src/config.js';

function configErrorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to refuse ' + JSON.stringify(env));
}

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

  it.each([['1', 1], ['2', 2]])('reads TRUST_PROXY=%s as that many trusted hops', (value, hops) => {
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
