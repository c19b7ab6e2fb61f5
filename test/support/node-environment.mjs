// Jest's node environment, plus Node's global fetch dispatcher. oidc-provider builds its SSRF guard from the
// dispatcher's class, which it reads from `globalThis`; Node keeps it on the process's own global, which a
// test file's sandbox does not see, so without this every provider under jest warns "failed to setup SSRF
// protection" and makes its outgoing calls unguarded. Sharing the one real dispatcher keeps the guard on.
import { TestEnvironment } from 'jest-environment-node';

const DISPATCHERS = [Symbol.for('undici.globalDispatcher.1'), Symbol.for('undici.globalDispatcher.2')];

// A data: URL makes Node create its global dispatcher without touching the network.
await fetch('data:,');

export default class NodeWithFetchDispatcher extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const symbol of DISPATCHERS) {
      if (globalThis[symbol] !== undefined) this.global[symbol] = globalThis[symbol];
    }
  }
}
