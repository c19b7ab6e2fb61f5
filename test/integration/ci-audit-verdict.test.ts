// CI's verdict on `npm audit --omit=dev --audit-level=high --json`: a high or critical advisory in a
// production dependency fails the run; a registry that does not answer the audit call (network error, a
// mirror without the endpoint, anything but an audit report) is said so and the run goes on.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { findProjectRoot } from '../../src/config.js';

const VERDICT = join(findProjectRoot(), '.ci', 'audit-verdict.mjs');

function verdictOn(npmOutput: string) {
  const run = spawnSync(process.execPath, [VERDICT], { input: npmOutput, encoding: 'utf8' });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

const advisory = (name: string, severity: string) => ({
  name,
  severity,
  isDirect: false,
  range: '<1.2.3',
  nodes: [`node_modules/${name}`],
  fixAvailable: true,
  effects: [],
  via: [
    {
      source: 1,
      name,
      dependency: name,
      title: `Prototype pollution in ${name}`,
      url: `https://github.com/advisories/GHSA-${name}`,
      severity,
      range: '<1.2.3',
    },
  ],
});

function report(...found: [string, string][]) {
  const counts: Record<string, number> = { info: 0, low: 0, moderate: 0, high: 0, critical: 0 };
  for (const [, severity] of found) counts[severity]! += 1;
  return JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities: Object.fromEntries(found.map(([name, severity]) => [name, advisory(name, severity)])),
    metadata: {
      vulnerabilities: { ...counts, total: found.length },
      dependencies: { prod: 42, dev: 0, optional: 0, peer: 0, peerOptional: 0, total: 42 },
    },
  });
}

// What npm printed here: the registry we install from has no bulk advisory endpoint.
const MIRROR_WITHOUT_AUDIT = JSON.stringify({
  message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
  method: 'POST',
  uri: 'https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
  statusCode: 405,
  body: '',
  error: { summary: '', detail: '' },
});

describe('CI audit verdict', () => {
  it.each([['high'], ['critical']])('fails on a %s advisory and names the package', (severity) => {
    const { code, out } = verdictOn(report(['left-pad', 'moderate'], ['minimist', severity]));
    expect(code).toBe(1);
    expect(out).toMatch(new RegExp(`minimist.*${severity}`));
    expect(out).not.toMatch(/left-pad/);
  });

  it('passes with advisories below high, and counts them', () => {
    const { code, out } = verdictOn(report(['left-pad', 'moderate'], ['is-odd', 'low']));
    expect(code).toBe(0);
    expect(out).toMatch(/no high or critical advisory/);
    expect(out).toMatch(/1 moderate/);
  });

  it('passes a clean report', () => {
    expect(verdictOn(report())).toMatchObject({ code: 0, out: expect.stringMatching(/no high or critical advisory/) });
  });

  it.each([
    ['a mirror without the audit endpoint (405)', MIRROR_WITHOUT_AUDIT],
    [
      'a network error',
      JSON.stringify({
        error: {
          code: 'ENOTFOUND',
          summary:
            'request to https://registry.npmjs.org/-/npm/v1/security/advisories/bulk failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org',
          detail: '',
        },
      }),
    ],
    ['output that is not JSON', 'npm ERR! code ECONNRESET\nnpm ERR! network aborted'],
    ['no output at all', ''],
  ])('says the registry did not answer, and lets CI go on, for %s', (_case, output) => {
    const { code, out } = verdictOn(output);
    expect(code).toBe(0);
    expect(out).toMatch(/registry did not answer the audit call/);
    expect(out).not.toMatch(/no high or critical advisory/);
  });
});
