// glc --version: the version package.json declares, read from the checkout glc runs from.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findProjectRoot } from '../config.js';

export function packageVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(join(findProjectRoot(), 'package.json'), 'utf8'));
  const version = (manifest as { version?: unknown }).version;
  if (typeof version !== 'string') throw new Error('package.json has no version');
  return version;
}
