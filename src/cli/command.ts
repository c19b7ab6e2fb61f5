// One glc command as data: the words that name it, its help, its options, and what it runs. The table in
// commands/index.ts lists them; program.ts turns the table into commander commands.
import type { CliContext } from './context.js';
import type { OptionSpecs, Values } from './options.js';

export interface CommandResult {
  /** Printed with --json: exactly one object. */
  json: object;
  /** Printed otherwise, for a person. */
  text: string;
  /** Printed with --csv, for the commands that declare `csv`. */
  csv?: string;
}

export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  /** The words after `glc`: `migrate`, `client add`. */
  name: string;
  /** One line, in `glc --help` and at the top of the command's own help. */
  summary: string;
  options: O;
  /** Starts an embedded database where DATA_DIR holds none (otherwise only `--init` does). */
  mayCreateDatabase?: boolean;
  /** Offers `--csv`: the result's `csv` instead of its text. */
  hasCsv?: boolean;
  run(context: CliContext, values: Values<O>): CommandResult | Promise<CommandResult>;
}

/** Types `run`'s values from the options declared beside it. */
export function defineCommand<O extends OptionSpecs>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}
