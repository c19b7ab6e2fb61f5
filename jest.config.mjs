// The four test projects share one base; only the name and the folder differ.
const base = {
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'es6' } }],
  },
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // Node's environment with the process's fetch dispatcher, so that oidc-provider's SSRF guard is on in tests too.
  testEnvironment: '<rootDir>/test/support/node-environment.mjs',
  // Sized for a machine shared with other suites (a load average of 10 on 2 cores): a slow test is not a
  // failing one. The worlds' own beforeAll/afterAll take 120 s (test/support/world.ts).
  testTimeout: 60000,
};

const project = (name) => ({ ...base, displayName: name, testMatch: [`<rootDir>/test/${name}/**/*.test.ts`] });

export default {
  testTimeout: base.testTimeout,
  // One file per core: jest's default (cores - 1) runs one file at a time on a 2-core machine, while a file
  // spends much of its time waiting on Postgres, its server and the glc processes it starts.
  maxWorkers: '100%',
  projects: ['unit', 'integration', 'e2e', 'browser'].map(project),
};
