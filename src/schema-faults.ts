// Of a validator's errors, the one a person is told: the first place at fault, and of the rules broken there
// the outermost (a union rather than each of its branches). The configuration files and the operators' API
// both say their faults this way.
import type { TLocalizedValidationError } from 'typebox/error';

export function firstFault(errors: readonly TLocalizedValidationError[]): TLocalizedValidationError | undefined {
  const place = errors[0]?.instancePath;
  return errors.filter((error) => error.instancePath === place).sort((a, b) => a.schemaPath.length - b.schemaPath.length)[0];
}
