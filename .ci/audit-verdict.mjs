#!/usr/bin/env node
// Reads `npm audit --omit=dev --audit-level=high --json` on stdin and decides for CI. npm exits non-zero
// both when it finds advisories and when the registry does not answer the audit call, so its status alone
// cannot tell "vulnerable" from "not checked": only an audit report (metadata.vulnerabilities) is a verdict.
// A high or critical advisory fails (exit 1); no report at all is said so and CI goes on (exit 0): the
// registry we install from may be a mirror without the advisory endpoint, and that is not our code's fault.
import { readFileSync } from 'node:fs';

const FAILING = ['high', 'critical'];

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Why npm printed no report: its error message, or the start of what it printed. */
function reasonOf(output, parsed) {
  const message = parsed?.message || parsed?.error?.summary || parsed?.error?.code;
  if (message) return String(message).split('\n')[0];
  const firstLine = output.trim().split('\n')[0];
  return firstLine ? `not an audit report: ${firstLine.slice(0, 160)}` : 'no output';
}

const output = readFileSync(0, 'utf8');
const parsed = parse(output);
const counts = parsed?.metadata?.vulnerabilities;

if (!counts || typeof counts !== 'object') {
  console.log(`npm audit: the registry did not answer the audit call (${reasonOf(output, parsed)}); advisories not checked`);
  process.exit(0);
}

const failing = Object.values(parsed.vulnerabilities ?? {}).filter((v) => FAILING.includes(v.severity));
const summary = ['critical', 'high', 'moderate', 'low', 'info']
  .filter((s) => counts[s] > 0)
  .map((s) => `${counts[s]} ${s}`)
  .join(', ');
if (failing.length > 0) {
  console.log(`npm audit: ${summary} in production dependencies`);
  for (const v of failing) {
    const titles = (v.via ?? []).filter((via) => typeof via === 'object').map((via) => `${via.title} ${via.url}`);
    console.log(`  ${v.name} (${v.severity}, ${v.range})${titles.length ? ': ' + titles.join('; ') : ''}`);
  }
  process.exit(1);
}
console.log(`npm audit: no high or critical advisory in production dependencies${summary ? ` (${summary})` : ''}`);
