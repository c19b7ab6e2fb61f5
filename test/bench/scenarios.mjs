// The scenarios of the table, each run the same way against both servers: `prepare` (outside the measured
// time) makes what the operation needs for `slots` concurrent clients, `run` is one operation of one slot.
// `sqlCount`: how many operations, one after another, the SQL round trips per operation are counted over.

const citizenOf = (target, slot) => target.citizens[slot % target.citizens.length];

/** One signed-in citizen's tokens, for the operations that present an access token. */
const aSignedInCitizen = async (ops, _slots, target) => ops.login(citizenOf(target, 0));

/** One refresh-token chain per slot: a rotated refresh token presented twice would revoke its chain. */
async function refreshChains(ops, slots, target) {
  const chains = [];
  for (let slot = 0; slot < slots; slot += 4) {
    const batch = Array.from({ length: Math.min(4, slots - slot) }, (_, i) => ops.login(citizenOf(target, slot + i)));
    chains.push(...(await Promise.all(batch)).map((tokens) => tokens.refresh_token));
  }
  return chains;
}

export const SCENARIOS = [
  { key: 'discovery', label: 'discovery', sqlCount: 20, run: (ops) => ops.discovery() },
  { key: 'jwks', label: 'JWKS', sqlCount: 20, run: (ops) => ops.jwks() },
  { key: 'client_credentials', label: 'client credentials (opaque)', sqlCount: 20, run: (ops) => ops.clientCredentials() },
  { key: 'client_credentials_jwt', label: 'client credentials (JWT)', sqlCount: 20, run: (ops) => ops.clientCredentialsJwt() },
  {
    key: 'introspection',
    label: 'introspection',
    sqlCount: 20,
    prepare: aSignedInCitizen,
    run: (ops, tokens) => ops.introspection(tokens.access_token),
  },
  {
    key: 'userinfo',
    label: 'userinfo',
    sqlCount: 20,
    prepare: aSignedInCitizen,
    run: (ops, tokens) => ops.userinfo(tokens.access_token),
  },
  {
    key: 'login',
    label: 'full login (authorize → password → code → token → userinfo)',
    sqlCount: 5,
    run: (ops, _state, slot, target) => ops.login(citizenOf(target, slot)),
  },
  {
    key: 'refresh',
    label: 'refresh (rotation)',
    sqlCount: 20,
    prepare: refreshChains,
    run: async (ops, chains, slot) => {
      chains[slot] = (await ops.refresh(chains[slot])).refresh_token;
    },
  },
];
