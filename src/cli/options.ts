// A command's options as data: each entry is one flag, its help line and the type of its value, from which
// glc builds the commander options and types what the command receives. A `secret` comes with its
// `-stdin` twin so that a password need not sit in shell history.
import { InvalidArgumentError, Option } from 'commander';
import { readSecret } from './stdin.js';
import { UsageError } from './usage.js';

interface Described {
  /** One help line; say the default and the accepted values here, the domain checks them. */
  help: string;
}
export interface FlagOption extends Described {
  kind: 'flag';
}
export interface TextOption<R extends boolean = boolean> extends Described {
  kind: 'text';
  placeholder: string;
  isRequired: R;
}
export interface ListOption extends Described {
  kind: 'list';
  placeholder: string;
}
export interface IntegerOption extends Described {
  kind: 'integer';
  placeholder: string;
}
export interface SecretOption extends Described {
  kind: 'secret';
  placeholder: string;
}

export type OptionSpec = FlagOption | TextOption | ListOption | IntegerOption | SecretOption;
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S extends FlagOption
  ? boolean
  : S extends TextOption<true>
    ? string
    : S extends TextOption
      ? string | undefined
      : S extends ListOption
        ? string[] | undefined
        : S extends IntegerOption
          ? number | undefined
          : S extends SecretOption
            ? string
            : never;

/** What a command's `run` receives, keyed by flag name (`values['redirect-uri']`). */
export type Values<O extends OptionSpecs> = { -readonly [K in keyof O]: ValueOf<O[K]> };

export const flag = (help: string): FlagOption => ({ kind: 'flag', help });
export const required = (placeholder: string, help: string): TextOption<true> => ({ kind: 'text', placeholder, help, isRequired: true });
export const optional = (placeholder: string, help: string): TextOption<false> => ({ kind: 'text', placeholder, help, isRequired: false });
/** Repeatable: `--redirect-uri A --redirect-uri B`. */
export const list = (placeholder: string, help: string): ListOption => ({ kind: 'list', placeholder, help });
export const integer = (placeholder: string, help: string): IntegerOption => ({ kind: 'integer', placeholder, help });
/** `--NAME VALUE` or `--NAME-stdin` (one of the two, never both). */
export const secret = (placeholder: string, help: string): SecretOption => ({ kind: 'secret', placeholder, help });

function nonEmpty(value: string): string {
  if (value === '') throw new InvalidArgumentError('must not be empty');
  return value;
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
}

const appended = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

const stdinFlag = (name: string) => `${name}-stdin`;

/** The commander options of one declared option (two for a secret). */
export function commanderOptions(name: string, spec: OptionSpec): Option[] {
  switch (spec.kind) {
    case 'flag':
      return [new Option(`--${name}`, spec.help)];
    case 'text': {
      // Required is checked by resolveValues, after commander has named any misspelt option.
      const option = new Option(`--${name} <${spec.placeholder}>`, spec.isRequired ? `${spec.help} (required)` : spec.help);
      return [spec.isRequired ? option.argParser(nonEmpty) : option];
    }
    case 'list':
      return [new Option(`--${name} <${spec.placeholder}>`, `${spec.help} (repeatable)`).argParser(appended)];
    case 'integer':
      return [new Option(`--${name} <${spec.placeholder}>`, spec.help).argParser(wholeNumber)];
    case 'secret':
      return [
        new Option(
          `--${name} <${spec.placeholder}>`,
          `${spec.help} (required, or --${stdinFlag(name)}; a value here stays in shell history)`,
        ).argParser(nonEmpty),
        new Option(`--${stdinFlag(name)}`, `read the ${name} from standard input (one trailing newline is dropped)`).conflicts(name),
      ];
  }
}

/** The command's values from commander's parsed options; a secret given as `-stdin` is read here. */
export async function resolveValues<O extends OptionSpecs>(specs: O, parsed: Record<string, unknown>): Promise<Values<O>> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = parsed[new Option(`--${name}`).attributeName()];
    if (spec.kind === 'flag') values[name] = value === true;
    else if (spec.kind === 'text' && spec.isRequired && value === undefined) throw new UsageError(`--${name} is required`);
    else if (spec.kind !== 'secret') values[name] = value;
    else if (parsed[new Option(`--${stdinFlag(name)}`).attributeName()] === true) values[name] = await readSecret(`--${stdinFlag(name)}`);
    else if (typeof value === 'string') values[name] = value;
    else throw new UsageError(`--${name} or --${stdinFlag(name)} is required`);
  }
  return values as Values<O>;
}
