// The key a test server stores an artefact under (credentials rest as keyed digests: src/oidc/stored-secrets.ts),
// for tests that reach a row directly, e.g. to expire it without waiting.
import { createSealer } from '../../src/sealing.js';
import { createStoredSecrets } from '../../src/oidc/stored-secrets.js';
import { TEST_SECRET_KEY } from './server.js';

export const testSecrets = createStoredSecrets(createSealer(TEST_SECRET_KEY));

export const storedIdOf = (model: string, value: string) => testSecrets.storageId(model, value);
