// What glc tells a person before it does anything: help for itself, each group and each command, its
// version, and a suggestion on a typo — none of which opens (or creates) a database.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS, GROUPS } from '../../src/cli/commands/index.js';
import { expectRefusal, PROJECT_ROOT, runGlc, type GlcResult } from '../support/glc.js';
import { TEST_SECRET_KEY } from '../support/server.js';

// No DATABASE_URL and a DATA_DIR holding no database: a command that reached the database would be
// refused (status 1), and one allowed to create it would leave DATA_DIR/pglite behind.
const dataDir = mkdtempSync(join(tmpdir(), 'glc-usage-'));
const env = { DATA_DIR: dataDir, SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'warn' };
const glc = (...args: string[]) => runGlc(args, env);

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function expectShown(result: GlcResult): string {
  expect([result.code, result.stderr]).toEqual([0, '']);
  return result.stdout;
}

const flagsOf = (options: Record<string, { kind: string }>) =>
  Object.entries(options).flatMap(([name, option]) => (option.kind === 'secret' ? [`--${name} `, `--${name}-stdin`] : [`--${name}`]));

describe('glc --help', () => {
  it('lists every command group and ungrouped command, with the exit statuses', async () => {
    const help = expectShown(await glc('--help'));
    const firstWords = [...new Set(COMMANDS.map((c) => c.name.split(' ')[0]!))];
    for (const word of firstWords) expect(help).toMatch(new RegExp(`^  ${word}\\b`, 'm'));
    expect(help).toMatch(/Exit status: 0 .*, 1 .*, 2 /);
  });

  it.each(Object.keys(GROUPS))('lists the subcommands of glc %s', async (group) => {
    const help = expectShown(await glc(group, '--help'));
    expect(help).toContain(`Usage: glc ${group} `);
    const subcommands = COMMANDS.filter((c) => c.name.startsWith(`${group} `)).map((c) => c.name.split(' ')[1]!);
    expect(subcommands).not.toHaveLength(0);
    for (const subcommand of subcommands) expect(help).toMatch(new RegExp(`^  ${subcommand}\\b`, 'm'));
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))('shows glc %s with each of its options and the global ones', async (name, command) => {
    const help = expectShown(await glc(...name.split(' '), '--help'));
    expect(help).toContain(`Usage: glc ${name} `);
    expect(help).toContain(command.summary.slice(0, 40));
    for (const flag of [...flagsOf(command.options), '--json', '--init']) expect(help).toContain(flag);
    expect(help.includes('--csv')).toBe(command.hasCsv === true);
  });

  it('shows the options of glc client add: every flag the README documents', async () => {
    const help = expectShown(await glc('client', 'add', '--help'));
    for (const flag of [
      '--commune',
      '--name',
      '--redirect-uri',
      '--post-logout-redirect-uri',
      '--grant-type',
      '--public',
      '--scope',
      '--subject-type',
      '--backchannel-logout-uri',
      '--first-party',
    ]) {
      expect(help).toMatch(new RegExp(`^  ${flag}\\b`, 'm'));
    }
  });

  it('answers glc help <group> like glc <group> --help', async () => {
    expect(expectShown(await glc('help', 'keys'))).toBe(expectShown(await glc('keys', '--help')));
  });

  it('opened no database to answer', () => {
    expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
  });
});

describe('glc --version', () => {
  it("prints package.json's version and nothing else", async () => {
    const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(expectShown(await glc('--version'))).toBe(`${version}\n`);
  });
});

describe('a command given wrongly', () => {
  it('suggests the command a typo was meant to be, with a usage error', async () => {
    expectRefusal(await glc('clinet', 'add', '--json'), 2, /unknown command 'clinet'.*did you mean client\?/i);
  });

  it('suggests the subcommand a typo was meant to be', async () => {
    expectRefusal(await glc('keys', 'rotat'), 2, /unknown command 'keys rotat'.*did you mean rotate\?/i);
  });

  it('suggests the option a typo was meant to be, before saying what is missing', async () => {
    expectRefusal(
      await glc('commune', 'add', '--slug', 'givors', '--nmae', 'Givors'),
      2,
      /unknown option '--nmae'.*did you mean --name\?/i,
    );
  });

  it('names the subcommands of a group given alone', async () => {
    expectRefusal(await glc('keys'), 2, /keys needs a subcommand: rotate, retire/);
  });

  it('refuses a value that is not a whole number where one is expected', async () => {
    expectRefusal(
      await glc('commune', 'add', '--slug', 'givors', '--name', 'Givors', '--population', 'beaucoup'),
      2,
      /--population.*whole number/,
    );
  });

  it('refuses a stray argument', async () => {
    expectRefusal(await glc('migrate', 'now'), 2, /too many arguments/);
  });

  it('opened no database to refuse', () => {
    expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
  });
});
