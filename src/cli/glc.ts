#!/usr/bin/env node
// glc: the operators' command line. `--json` prints exactly one JSON object on stdout; a failure is one
// line on stderr and a non-zero status (1: refused or failed, 2: wrong usage).
import { ConfigError } from '../config.js';
import { AppError } from '../errors.js';
import { UsageError } from './args.js';
import { accountAddCommand } from './commands/account.js';
import { clientAddCommand } from './commands/client.js';
import { communeAddCommand } from './commands/commune.js';
import { keysRetireCommand, keysRotateCommand } from './commands/keys.js';
import { migrateCommand } from './commands/migrate.js';
import { auditCommand } from './commands/audit.js';
import { clientPendingCommand } from './commands/client-pending.js';
import { communeTokenCommand } from './commands/commune-token.js';
import { operatorChangeCommand, operatorListCommand } from './commands/operator.js';
import { reportContributionsCommand, reportUsageCommand } from './commands/report.js';
import { openCliContext, type CliContext } from './context.js';

type Command = (context: CliContext, argv: string[]) => Promise<{ json: object; text: string; csv?: string }>;

const COMMANDS: Record<string, Command> = {
  migrate: migrateCommand,
  'commune add': communeAddCommand,
  'client add': clientAddCommand,
  'account add': accountAddCommand,
  'keys rotate': keysRotateCommand,
  'keys retire': keysRetireCommand,
  'operator grant': (context, argv) => operatorChangeCommand('grant', context, argv),
  'operator revoke': (context, argv) => operatorChangeCommand('revoke', context, argv),
  'operator list': operatorListCommand,
  audit: auditCommand,
  'commune token': communeTokenCommand,
  'client pending': clientPendingCommand,
  'report usage': reportUsageCommand,
  'report contributions': reportContributionsCommand,
};

const USAGE = `usage: glc <command> [options] [--json] [--init]
  (--init: create the embedded database under DATA_DIR if it holds none; only migrate does so otherwise)
  migrate
  commune add --slug SLUG --name NAME [--insee CODE] [--population N] [--pilot] [--offer global|restricted]
  client add --commune SLUG --name NAME --redirect-uri URL [--redirect-uri URL…] [--post-logout-redirect-uri URL…]
             [--grant-type TYPE…] [--public] [--scope "openid profile email"] [--subject-type public|pairwise]
             [--backchannel-logout-uri URL] [--first-party] [--operator-tool]
  client pending
  commune token --commune SLUG [--ttl SECONDS]
  account add --email EMAIL --password PASSWORD [--given-name G] [--family-name F] [--verified]
  keys rotate [--now]
  keys retire --kid KID
  operator grant (--email E | --client CLIENT_ID) --role metropole-admin|commune-referent|syndicate-operator [--commune SLUG…]
  operator revoke (--email E | --client CLIENT_ID) --role ROLE [--commune SLUG…]
  operator list
  audit [--since 2026-11-01|7d]
  report usage --month YYYY-MM [--csv]
  report contributions --year YYYY [--csv]`;

function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const command = COMMANDS[name];
    if (command) return { command, rest: argv.slice(words) };
  }
  return undefined;
}

async function run(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    process.stdout.write(USAGE + '\n');
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    process.stderr.write(`glc: unknown command "${argv.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ')}" (glc --help)\n`);
    return 2;
  }
  const asJson = found.rest.includes('--json');
  // --init is glc's, not the command's: it lets this run create the embedded database, as migrate does.
  const isInit = found.rest.includes('--init');
  const rest = found.rest.filter((arg) => arg !== '--init');
  let context: CliContext | undefined;
  try {
    context = await openCliContext({ mayCreateDatabase: isInit || found.command === migrateCommand });
    const result = await found.command(context, rest);
    const asCsv = rest.includes('--csv') && result.csv !== undefined;
    process.stdout.write(asJson ? JSON.stringify(result.json) + '\n' : asCsv ? result.csv! : result.text + '\n');
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`glc: ${error.message}\n`);
      return 2;
    }
    if (error instanceof AppError || error instanceof ConfigError) {
      process.stderr.write(`glc: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`glc: failed: ${(error as Error).message?.split('\n')[0] ?? String(error)}\n`);
    return 1;
  } finally {
    await context?.db.close().catch(() => undefined);
  }
}

run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
