// A quiet and deliberate install: every dependency's install script is either approved or declined in
// package.json's allowScripts, so `npm ci` lists none as "not yet covered", and argon2's (its native addon) runs.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findProjectRoot } from '../../src/config.js';

const root = findProjectRoot();

describe("dependencies' install scripts", () => {
  it('are each covered by allowScripts: npm lists none pending review', async () => {
    const { stdout } = await promisify(execFile)('npm', ['install-scripts', 'ls', '--json'], { cwd: root, timeout: 60_000 });
    expect((JSON.parse(stdout) as { allowScripts: unknown[] }).allowScripts).toEqual([]);
  }, 60_000);

  it("run argon2's, whose native addon hashes the passwords, and no other", async () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { allowScripts: Record<string, boolean> };
    expect(Object.entries(manifest.allowScripts).filter(([, allowed]) => allowed)).toEqual([['argon2', true]]);
    const argon2 = await import('argon2');
    await expect(argon2.verify(await argon2.hash('une phrase de passe'), 'une phrase de passe')).resolves.toBe(true);
  });
});
