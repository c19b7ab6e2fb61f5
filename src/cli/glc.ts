#!/usr/bin/env node
// glc: the operators' command line. `--json` prints exactly one JSON object on stdout; a failure is one
// line on stderr and a non-zero status (1: refused or failed, 2: wrong usage).
import { ConfigError } from '../config.js';
import { AppError } from '../errors.js';
import { COMMANDS, GROUPS } from './commands/index.js';
import { openCliContext } from './context.js';
import { buildProgram, Shown, type Execution } from './program.js';
import { UsageError } from './usage.js';
import { packageVersion } from './version.js';

async function execute({ spec, values, isJson, isCsv, isInit }: Execution): Promise<void> {
  // --init is glc's, not the command's: it lets this run create the embedded database, as migrate does.
  const context = await openCliContext({ mayCreateDatabase: isInit || spec.mayCreateDatabase === true });
  try {
    const result = await spec.run(context, values);
    process.stdout.write(isJson ? JSON.stringify(result.json) + '\n' : isCsv && result.csv !== undefined ? result.csv : result.text + '\n');
  } finally {
    await context.db.close().catch(() => undefined);
  }
}

function exitStatusOf(error: unknown): number {
  if (error instanceof Shown) return 0;
  const [status, message] =
    error instanceof UsageError
      ? [2, error.message]
      : error instanceof AppError || error instanceof ConfigError
        ? [1, error.message]
        : [1, `failed: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)}`];
  process.stderr.write(`glc: ${message}\n`);
  return status;
}

async function run(argv: string[]): Promise<number> {
  try {
    const program = buildProgram({ commands: COMMANDS, groups: GROUPS, version: packageVersion(), execute });
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    return exitStatusOf(error);
  }
}

process.exitCode = await run(process.argv.slice(2));
