// Reads every file under config/ and checks it against the one schema (config-schema.ts). A bad file stops
// the start with a ConfigError naming the file and the path of the value at fault, in the words of the schema.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TLocalizedValidationError } from 'typebox/error';
import { firstFault } from './schema-faults.js';
import { Value } from 'typebox/value';
import { ConfigError } from './config-error.js';
import { ConfigFilesSchema, type ConfigFiles } from './config-schema.js';

const KNOWN_FILES = Object.keys(ConfigFilesSchema.properties);
const TYPE_NAMES: Record<string, string> = {
  object: 'an object',
  array: 'a list',
  string: 'a text',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  null: 'null',
};

const where = (file: string) => `config/${file}`;

/** JSON files as data, text files as their lines; anything else as raw text, for the schema to refuse by name. */
function parseFile(file: string, text: string): unknown {
  if (file.endsWith('.json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new ConfigError(where(file), `is not valid JSON (${(error as Error).message})`);
    }
  }
  if (file.endsWith('.txt')) return text.replace(/\r?\n$/, '').split(/\r?\n/);
  return text;
}

function readFiles(dir: string): Record<string, unknown> {
  const files: Record<string, unknown> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    files[entry.name] = entry.isFile() ? parseFile(entry.name, readFileSync(join(dir, entry.name), 'utf8')) : null;
  }
  return files;
}

const pointer = (path: string) =>
  path
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));

/** The schema node a schemaPath (#/properties/…) names. */
function schemaAt(schemaPath: string): Record<string, unknown> {
  let node: unknown = ConfigFilesSchema;
  for (const part of pointer(schemaPath.replace(/^#/, ''))) node = (node as Record<string, unknown>)[part];
  return (node ?? {}) as Record<string, unknown>;
}

/** a.b[2].c, the way a person finds it in the file; a line number in a text file. */
function displayPath(file: string, parts: string[]): string {
  if (file.endsWith('.txt') && parts.length > 0) return `line ${Number(parts[0]) + 1}`;
  return parts.map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}

const joined = (path: string, child: string) => (path === '' ? child : `${path}.${child}`);

function explain(path: string, error: TLocalizedValidationError): string {
  switch (error.keyword) {
    case 'required':
      return `${joined(path, error.params.requiredProperties[0] ?? '')} is missing`;
    case 'additionalProperties':
      return `${joined(path, error.params.additionalProperties[0] ?? '')} is not a known setting`;
    case '~refine':
      return joined(path, error.params.message);
    default: {
      const description = schemaAt(error.schemaPath).description;
      const expected =
        typeof description === 'string' ? description : error.keyword === 'type' ? TYPE_NAMES[String(error.params.type)] : undefined;
      const what = expected ? `must be ${expected}` : error.message;
      return path === '' ? `the file ${what}` : `${path} ${what}`;
    }
  }
}

/** The first fault, said once: of the errors at its place, the outermost (a union rather than each of its branches). */
function configErrorOf(errors: TLocalizedValidationError[]): ConfigError {
  const faults = errors.filter((error) => error.keyword !== 'boolean');
  const fault = firstFault(faults);
  if (!fault) return new ConfigError('config/', 'is not valid');
  const [file = '', ...parts] = pointer(fault.instancePath);
  if (file === '') {
    if (fault.keyword === 'required') return new ConfigError(where(fault.params.requiredProperties[0] ?? ''), 'is missing');
    const unknown = fault.keyword === 'additionalProperties' ? (fault.params.additionalProperties[0] ?? '') : '';
    return new ConfigError(where(unknown), `is not a configuration file (config/ holds ${KNOWN_FILES.join(', ')})`);
  }
  return new ConfigError(where(file), explain(displayPath(file, parts), fault));
}

/** Every file of `dir` (the checkout's config/), validated; throws ConfigError on the first fault. */
export function loadConfigFiles(dir: string): ConfigFiles {
  const files = readFiles(dir);
  const errors = Value.Errors(ConfigFilesSchema, files);
  if (errors.length > 0) throw configErrorOf(errors);
  return files as ConfigFiles;
}
