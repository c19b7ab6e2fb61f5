// WORKERS and HOST as the server reads them: defaults, bounds, and the embedded database's single process.
import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig } from '../../src/config.js';
import { thrownBy } from '../support/thrown.js';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/glc';
const configErrorOf = (env: NodeJS.ProcessEnv) => thrownBy(ConfigError, () => loadConfig(env), `loadConfig(${JSON.stringify(env)})`);

describe('WORKERS', () => {
  it('defaults to the available cores on a Postgres server', () => {
    expect(loadConfig({ DATABASE_URL }).workers).toBe(availableParallelism());
  });

  it('defaults to one process on the embedded database', () => {
    expect(loadConfig({}).workers).toBe(1);
  });

  it('takes the number given', () => {
    expect(loadConfig({ DATABASE_URL, WORKERS: '3' }).workers).toBe(3);
    expect(loadConfig({ WORKERS: '1' }).workers).toBe(1);
  });

  it('refuses more than one worker without DATABASE_URL, in one line naming both', () => {
    const error = configErrorOf({ WORKERS: '2' });
    expect(error.variable).toBe('WORKERS');
    expect(error.message).toMatch(/^WORKERS: .*DATABASE_URL/);
    expect(error.message).not.toContain('\n');
  });

  it.each(['0', '-1', 'two', '1.5', '257', ' 2'])('refuses WORKERS=%j, naming the variable', (workers) => {
    expect(configErrorOf({ DATABASE_URL, WORKERS: workers }).variable).toBe('WORKERS');
  });
});

describe('HOST', () => {
  it('binds every interface when unset', () => {
    expect(loadConfig({}).host).toBeUndefined();
  });

  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['[::1]', '::1'],
    ['0.0.0.0', '0.0.0.0'],
    ['localhost', 'localhost'],
    ['glc-1.internal.example', 'glc-1.internal.example'],
  ])('binds HOST=%s', (host, bound) => {
    expect(loadConfig({ HOST: host }).host).toBe(bound);
  });

  it.each(['http://127.0.0.1', '127.0.0.1:3000', 'a b', '-bad.example', 'x/y'])('refuses HOST=%j, naming the variable', (host) => {
    expect(configErrorOf({ HOST: host }).variable).toBe('HOST');
  });
});
