// glc takes its operators' policy from config/default.json, not from numbers of its own: run from a copy
// of the built checkout whose file is tuned, it issues commune tokens within the tuned bounds and lists
// the tuned number of audit entries, over the API's default reach.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { expectRefusal, jsonOutput, PROJECT_ROOT, type GlcResult } from '../support/glc.js';
import { TEST_SECRET_KEY } from '../support/server.js';

const TTL = { default: 3600, min: 600, max: 7200 };
const AUDIT_READ_LIMIT = 2;
const AUDIT_DEFAULT_DAYS = 1;

let checkout: string;
let database: TestDatabase;

beforeAll(async () => {
  if (!existsSync(join(PROJECT_ROOT, 'dist', 'cli', 'glc.js'))) throw new Error('dist/ is missing: run "npm run build" first');
  checkout = mkdtempSync(join(tmpdir(), 'glc-tuned-config-'));
  // What glc reads from the checkout: its code, its configuration, the migrations and the texts of its mails.
  for (const part of ['dist', 'config', 'migrations', 'package.json', 'src/views'])
    cpSync(join(PROJECT_ROOT, part), join(checkout, part), { recursive: true });
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  const file = join(checkout, 'config', 'default.json');
  const tunables = JSON.parse(readFileSync(file, 'utf8'));
  tunables.operators.communeTokenTtlSeconds = TTL;
  tunables.operators.auditReadLimit = AUDIT_READ_LIMIT;
  tunables.operatorsApi.audit.defaultDays = AUDIT_DEFAULT_DAYS;
  writeFileSync(file, JSON.stringify(tunables));
  database = await freshDatabase();
});

afterAll(async () => {
  await database.drop();
  rmSync(checkout, { recursive: true, force: true });
});

function glc(...args: string[]): Promise<GlcResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['dist/cli/glc.js', ...args],
      {
        cwd: checkout,
        timeout: 60_000,
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL: database.url,
          DATA_DIR: join(checkout, 'data'),
          SECRET_KEY: TEST_SECRET_KEY,
          LOG_LEVEL: 'warn',
        },
      },
      (error, stdout, stderr) => resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr }),
    );
  });
}

const secondsUntil = (iso: unknown) => (new Date(String(iso)).getTime() - Date.now()) / 1000;

describe('glc under a tuned config/default.json', () => {
  beforeAll(async () => {
    jsonOutput(await glc('commune', 'add', '--slug', 'bron', '--name', 'Bron', '--json'));
  });

  it('issues a commune token for operators.communeTokenTtlSeconds.default when --ttl is not given', async () => {
    const issued = jsonOutput(await glc('commune', 'token', '--commune', 'bron', '--json'));
    expect(secondsUntil(issued.expires_at)).toBeGreaterThan(TTL.default - 60);
    expect(secondsUntil(issued.expires_at)).toBeLessThanOrEqual(TTL.default);
  });

  it('accepts a --ttl at the tuned bounds and refuses one beyond them, naming the bounds', async () => {
    expect(
      secondsUntil(jsonOutput(await glc('commune', 'token', '--commune', 'bron', '--ttl', String(TTL.max), '--json')).expires_at),
    ).toBeGreaterThan(TTL.max - 60);
    jsonOutput(await glc('commune', 'token', '--commune', 'bron', '--ttl', String(TTL.min), '--json'));
    for (const ttl of [TTL.min - 1, TTL.max + 1]) {
      expectRefusal(
        await glc('commune', 'token', '--commune', 'bron', '--ttl', String(ttl), '--json'),
        2,
        new RegExp(`--ttl: ${TTL.min} to ${TTL.max} seconds`),
      );
    }
  });

  it('lists operators.auditReadLimit audit entries at most, the oldest first', async () => {
    const { entries } = jsonOutput(await glc('audit', '--json')) as { entries: { action: string }[] };
    expect(entries.map((entry) => entry.action)).toEqual(['commune.created', 'commune.registration_token_issued']);
  });

  it('reads back operatorsApi.audit.defaultDays without --since, as the API does, and further when told', async () => {
    await database.pool.query(
      "insert into audit_log (at, actor, action) values (now() - make_interval(days => $1::int + 1), 'test', 'test.older')",
      [AUDIT_DEFAULT_DAYS],
    );
    const actions = async (...args: string[]) =>
      (jsonOutput(await glc('audit', ...args, '--json')) as { entries: { action: string }[] }).entries.map((entry) => entry.action);
    expect(await actions()).not.toContain('test.older');
    expect((await actions('--since', '7d'))[0]).toBe('test.older');
  });
});
