// The README's examples, read from README.md itself so that a test runs what a developer pastes: the fenced
// block right after `<!-- example: NAME -->`, and its placeholders filled with a test's own values.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findProjectRoot } from '../../src/config.js';

export function readmeExample(name: string): string {
  const readme = readFileSync(join(findProjectRoot(), 'README.md'), 'utf8');
  const marker = `<!-- example: ${name} -->\n`;
  const at = readme.indexOf(marker);
  if (at < 0 || readme.indexOf(marker, at + 1) >= 0) throw new Error(`README.md has no single "${marker.trim()}"`);
  const block = /^```[a-z]*\n([\s\S]*?)^```$/m.exec(readme.slice(at + marker.length));
  if (block?.index !== 0) throw new Error(`README.md: no code block right after "${marker.trim()}"`);
  return block[1]!;
}

/** Replaces each `from` with its `to`; a `from` the example does not hold is an error, not a silent no-op. */
export function filled(example: string, values: Record<string, string>): string {
  let code = example;
  for (const [from, to] of Object.entries(values)) {
    if (!code.includes(from)) throw new Error(`the README's example no longer holds ${JSON.stringify(from)}`);
    code = code.split(from).join(to);
  }
  return code;
}
