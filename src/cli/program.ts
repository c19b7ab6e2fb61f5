// The table of commands as a commander program: a group per first word (`glc client …`), help for each
// level, --version, suggestions on a typo. Every way commander stops (help shown, a usage error) comes
// out as an exception glc maps to its exit status; glc alone writes to stderr, one line.
import { Command, type CommanderError } from 'commander';
import type { CommandSpec } from './command.js';
import { commanderOptions, resolveValues, type OptionSpecs, type Values } from './options.js';
import { UsageError } from './usage.js';

/** What a parsed command line asks glc to do. */
export interface Execution {
  spec: CommandSpec;
  values: Values<OptionSpecs>;
  isJson: boolean;
  isCsv: boolean;
  isInit: boolean;
}

export interface ProgramParts {
  commands: readonly CommandSpec[];
  /** The one-line summary of each first word that groups commands (`client` for `client add`). */
  groups: Readonly<Record<string, string>>;
  version: string;
  execute(execution: Execution): Promise<void>;
}

/** Help or the version was printed on stdout as asked: nothing else to do (exit 0). */
export class Shown extends Error {}

const EPILOGUE = `
Exit status: 0 done, 1 refused or failed, 2 wrong usage (one line on stderr says why).
Run "glc <command> --help" for a command's options.`;

function wordsOf(command: Command): string[] {
  return command.parent ? [...wordsOf(command.parent), command.name()] : [];
}

/** A commander stop as glc's answer; its message is the one line glc prints. */
function stopOf(command: Command, error: CommanderError): Error {
  const [first = '', ...hints] = error.message
    .replace(/^error: /, '')
    .split('\n')
    .filter(Boolean);
  const words = wordsOf(command);
  const helpFor = ['glc', ...words, '--help'].join(' ');
  switch (error.code) {
    case 'commander.helpDisplayed':
    case 'commander.version':
      return new Shown();
    case 'commander.help': // help asked for (glc help keys), or a group given alone: a usage error
      return error.exitCode === 0
        ? new Shown()
        : new UsageError(
            `${words.length ? `${words.join(' ')} needs a subcommand` : 'a command is needed'}: ${command.commands.map((c) => c.name()).join(', ')} (${helpFor})`,
          );
    case 'commander.unknownCommand':
      return new UsageError(
        [`unknown command '${[...words, ...command.args.slice(0, 1)].join(' ')}'`, ...(hints.length ? hints : [`(${helpFor})`])].join(' '),
      );
    default:
      return new UsageError([first, ...hints].join(' '));
  }
}

function configured(command: Command): Command {
  return command
    .exitOverride((error) => {
      throw stopOf(command, error);
    })
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined })
    .configureHelp({ showGlobalOptions: true });
}

function groupOf(program: Command, word: string, groups: ProgramParts['groups']): Command {
  const existing = program.commands.find((c) => c.name() === word);
  if (existing) return existing;
  const summary = groups[word];
  if (summary === undefined) throw new Error(`glc: the command group "${word}" has no summary in the table`);
  return configured(program.command(word)).description(summary);
}

function addCommand(program: Command, spec: CommandSpec, parts: ProgramParts): void {
  const words = spec.name.split(' ');
  const leafName = words.pop() ?? spec.name;
  const parent = words.reduce((under, word) => groupOf(under, word, parts.groups), program);
  const leaf = configured(parent.command(leafName)).description(spec.summary);
  for (const [name, option] of Object.entries(spec.options)) for (const built of commanderOptions(name, option)) leaf.addOption(built);
  if (spec.hasCsv) leaf.option('--csv', 'print RFC 4180 CSV instead of text');
  leaf.action(async (_options: unknown, command: Command) => {
    const globals = command.optsWithGlobals<{ json?: boolean; init?: boolean; csv?: boolean }>();
    const values = await resolveValues(spec.options, command.opts());
    await parts.execute({ spec, values, isJson: globals.json === true, isCsv: globals.csv === true, isInit: globals.init === true });
  });
}

export function buildProgram(parts: ProgramParts): Command {
  const program = configured(new Command('glc'))
    .description("GrandLyonConnect's command line for the Métropole's operators: communes, sites, accounts, keys, operators.")
    .version(parts.version, '-V, --version', 'print the version')
    .option('--json', 'print exactly one JSON object on stdout')
    .option('--init', 'create the embedded database under DATA_DIR if it holds none (only migrate does so otherwise)')
    .addHelpText('after', EPILOGUE);
  for (const spec of parts.commands) addCommand(program, spec, parts);
  return program;
}
