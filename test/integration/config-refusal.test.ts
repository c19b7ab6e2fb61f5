// The server and glc refuse to start on a bad file under config/: one line on stderr naming the file and the
// path of the value, status 1. They run from a copy of the built checkout whose config/ holds the fault.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProjectRoot } from '../../src/config.js';

const PROJECT_ROOT = findProjectRoot();
let checkout: string;

beforeAll(() => {
  if (!existsSync(join(PROJECT_ROOT, 'dist', 'main.js'))) throw new Error('dist/ is missing: run "npm run build" first');
  checkout = mkdtempSync(join(tmpdir(), 'glc-bad-config-'));
  cpSync(join(PROJECT_ROOT, 'dist'), join(checkout, 'dist'), { recursive: true });
  cpSync(join(PROJECT_ROOT, 'config'), join(checkout, 'config'), { recursive: true });
  cpSync(join(PROJECT_ROOT, 'package.json'), join(checkout, 'package.json'));
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  const tunables = JSON.parse(readFileSync(join(checkout, 'config', 'default.json'), 'utf8'));
  tunables.rateLimits.passwordChecks.perAccount.free = 0;
  writeFileSync(join(checkout, 'config', 'default.json'), JSON.stringify(tunables));
});

afterAll(() => rmSync(checkout, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      {
        cwd: checkout,
        timeout: 30_000,
        env: { PATH: process.env.PATH ?? '', DATA_DIR: join(checkout, 'data'), LOG_LEVEL: 'silent' },
      },
      (error, stdout, stderr) => resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr }),
    );
  });
}

describe('a bad value under config/', () => {
  it.each([
    ['the server', ['dist/main.js'], 'grandlyonconnect'],
    ['glc', ['dist/cli/glc.js', 'migrate', '--json'], 'glc'],
  ])('stops %s before it starts, with one line naming the file and the path', async (_who, args, prefix) => {
    const result = await run(args);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `${prefix}: config/default.json: rateLimits.passwordChecks.perAccount.free must be a positive integer\n`,
    });
    expect(existsSync(join(checkout, 'data'))).toBe(false);
  });
});
