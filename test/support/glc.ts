// Runs the built glc command line (dist/cli/glc.js) as a child process, the way an operator does, and
// checks the shape of its answers: one JSON object on stdout, or one line on stderr and a status.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findProjectRoot } from '../../src/config.js';
import { TEST_SECRET_KEY, type TestServer } from './server.js';

export const PROJECT_ROOT = findProjectRoot();
export const GLC = join(PROJECT_ROOT, 'dist', 'cli', 'glc.js');

export interface GlcResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The child sees only this environment (plus PATH): nothing leaks from the test runner, DATABASE_URL included.
 * Its standard input is `input`, then closed, as when an operator pipes a password (`--password-stdin`).
 */
export function runGlc(args: string[], env: Record<string, string>, input = ''): Promise<GlcResult> {
  if (!existsSync(GLC)) throw new Error(`${GLC} is missing: run "npm run build" first`);
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [GLC, ...args],
      { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`glc ${args.join(' ')} did not finish: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(input);
  });
}

/**
 * The environment of an operator running glc beside `server`: its database, its data directory (whose
 * outbox the mail goes to), its issuer (the links in that mail) and its outbound allow-list.
 */
export function glcEnvOf(server: TestServer): Record<string, string> {
  return {
    DATABASE_URL: server.database.url,
    DATA_DIR: server.dataDir,
    SECRET_KEY: TEST_SECRET_KEY,
    LOG_LEVEL: 'warn',
    ISSUER: server.issuer,
    OUTBOUND_ALLOWLIST: server.config.outboundAllowList.entries.join(','),
  };
}

/** A successful `--json` run: status 0, and the whole of stdout is exactly one JSON object. */
export function jsonOutput(result: GlcResult): Record<string, unknown> {
  expect([result.code, result.code === 0 ? '' : result.stderr]).toEqual([0, '']); // on failure, shows why
  const parsed: unknown = JSON.parse(result.stdout);
  expect(parsed).toEqual(expect.any(Object));
  expect(Array.isArray(parsed)).toBe(false);
  return parsed as Record<string, unknown>;
}

/** A refusal: the given status, nothing on stdout, and exactly one non-empty line on stderr matching `message`. */
export function expectRefusal(result: GlcResult, code: 1 | 2, message: RegExp): void {
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
}

export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
