// A route's input is checked against its schemas before its handler runs: the path's and the query's strings
// are read as the numbers or booleans their schema asks for, the query's defaults filled in, and the first
// fault refused as a 400 naming the field ({ error: 'invalid_request', error_description, field }).
import type { TObject, TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import type { TLocalizedValidationError } from 'typebox/error';
import { firstFault } from '../schema-faults.js';
import { AppError, invalid } from '../errors.js';

type Part = 'params' | 'query' | 'body';
type SchemaNode = Record<string, unknown>;

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
  null: 'null',
};
const FORMAT_NAMES: Record<string, string> = {
  'date-time': 'an ISO 8601 date-time such as 2026-01-05T09:30:00Z',
  uri: 'an absolute URI',
  uuid: 'a UUID',
};

/** What a schema accepts, in a few words: "a whole number from 1 to 200", "one of global, restricted". */
export function expectation(schema: SchemaNode): string {
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.join(', ')}`;
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as SchemaNode[]).map(expectation).join(' or ');
  const type = String(schema.type);
  const formatName = typeof schema.format === 'string' ? FORMAT_NAMES[schema.format] : undefined;
  if (formatName) return formatName;
  if (type === 'array') {
    const items = schema.items as SchemaNode | undefined;
    return items?.type === 'string' && !items.format && !items.enum ? 'an array of strings' : 'an array';
  }
  if (type === 'integer' || type === 'number') {
    const { minimum, maximum } = schema;
    if (typeof minimum === 'number' && typeof maximum === 'number') return `${TYPE_NAMES[type]} from ${minimum} to ${maximum}`;
    if (typeof minimum === 'number') return `${TYPE_NAMES[type]}, ${minimum} or more`;
  }
  if (type === 'string' && schema.minLength === 1) return 'a non-empty string';
  return TYPE_NAMES[type] ?? 'a valid value';
}

const tokensOf = (pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));

function nodeAt(schema: TSchema, schemaPath: string): SchemaNode {
  let node: unknown = schema;
  for (const token of tokensOf(schemaPath.replace(/^#/, ''))) node = (node as SchemaNode | undefined)?.[token];
  return (node ?? {}) as SchemaNode;
}

/** The first fault, said once: of the errors at its place, the outermost (a union rather than each of its branches). */
export function faultOf(part: Part, schema: TSchema, errors: TLocalizedValidationError[]): AppError {
  const fault = firstFault(errors);
  if (!fault) return invalid('invalid_request', `${part}: not valid`);
  if (fault.keyword === 'required') {
    const field = fault.params.requiredProperties[0] ?? '';
    return invalid('invalid_request', `${field}: required`, { field });
  }
  const [field, ...rest] = tokensOf(fault.instancePath);
  if (field === undefined)
    return invalid('invalid_request', part === 'body' ? 'the body must be a JSON object' : `the ${part} must be an object`);
  const where = field + rest.map((token) => (/^\d+$/.test(token) ? `[${token}]` : `.${token}`)).join('');
  return invalid('invalid_request', `${where}: ${expectation(nodeAt(schema, fault.schemaPath))}`, { field });
}

/** The types a schema (or each branch of a union) may take. */
const typesOf = (schema: SchemaNode): string[] =>
  Array.isArray(schema.anyOf) ? (schema.anyOf as SchemaNode[]).flatMap(typesOf) : [String(schema.type)];

/** A path or query string as the number or boolean its schema wants, when it is written as one; otherwise as it came. */
function fromText(value: unknown, schema: SchemaNode): unknown {
  if (typeof value !== 'string') return value;
  const types = typesOf(schema);
  if (types.includes('string')) return value;
  if (types.includes('integer') && /^-?\d{1,15}$/.test(value)) return Number(value);
  if (types.includes('number') && /^-?\d{1,15}(\.\d{1,15})?$/.test(value)) return Number(value);
  if (types.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/** Checks one part of a request against its schema; the strings of the path and the query are read first. */
export function partReader(part: Part, schema: TObject): (value: unknown) => unknown {
  const validator: Validator = Compile(schema);
  const properties = schema.properties as Record<string, SchemaNode>;
  return (raw) => {
    let value = raw;
    if (part !== 'body' && typeof raw === 'object' && raw !== null) {
      const texts = raw as Record<string, unknown>;
      value = validator.Default(
        Object.fromEntries(Object.entries(texts).map(([name, text]) => [name, properties[name] ? fromText(text, properties[name]) : text])),
      );
    }
    if (!validator.Check(value)) throw faultOf(part, schema, validator.Errors(value));
    return value;
  };
}
