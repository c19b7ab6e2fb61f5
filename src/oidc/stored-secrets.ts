// No bearer value rests in clear in oidc_payloads, so that a dump or a read replica opens nothing. An
// artefact whose id is itself a credential (a token, a code, a session or interaction cookie) is stored
// under a keyed digest of that id; the copies of credentials its payload carries (its own jti, the device
// code an interaction continues, its resume URL) are sealed. Whoever presents the value finds the row with
// one HMAC; the dump alone, even with a guess, yields neither the value nor a way to check it.
import type { AdapterPayload } from 'oidc-provider';
import type { Sealer } from '../sealing.js';

/**
 * Models whose id is only a reference we pass around, never presented as proof by a browser or a client:
 * a grant is reached through a token or a session that already passed; a replay-detection id is already
 * a digest of what it remembers. They stay as they are, so that rows can point at them (grant_id).
 */
const REFERENCE_MODELS = new Set(['Grant', 'ReplayDetection']);

/** Where a payload carries a copy of some credential (library field names, lib/models/*.js). */
const CREDENTIAL_PATHS: readonly (readonly string[])[] = [['jti'], ['returnTo'], ['deviceCode'], ['parJti'], ['session', 'cookie']];

type Json = Record<string, unknown>;

function get(payload: Json, path: readonly string[]): unknown {
  let node: unknown = payload;
  for (const key of path) node = typeof node === 'object' && node !== null ? (node as Json)[key] : undefined;
  return node;
}

/** A copy of `payload` with the value at `path` replaced; the parents on the way are copied, not shared. */
function withValue(payload: Json, path: readonly string[], value: unknown): Json {
  const [key, ...rest] = path as [string, ...string[]];
  return { ...payload, [key]: rest.length ? withValue(payload[key] as Json, rest, value) : value };
}

export interface StoredSecrets {
  /** The key a row is stored and found under: a keyed digest of the id when the id is a credential. */
  storageId(model: string, id: string): string;
  /** The payload as it rests: every copy of a credential sealed. */
  conceal(model: string, payload: AdapterPayload): Promise<AdapterPayload>;
  /** The payload as the library wrote it; `id`, when the caller presented it, is the jti (no need to unseal). */
  reveal(model: string, stored: AdapterPayload, id?: string): Promise<AdapterPayload>;
}

export function createStoredSecrets(sealer: Sealer): StoredSecrets {
  const isCredential = (model: string) => !REFERENCE_MODELS.has(model);

  const transform = async (model: string, payload: AdapterPayload, change: (path: readonly string[], value: string) => Promise<string>) => {
    if (!isCredential(model)) return payload;
    let result = payload as Json;
    for (const path of CREDENTIAL_PATHS) {
      const value = get(result, path);
      if (typeof value === 'string') result = withValue(result, path, await change(path, value));
    }
    return result as AdapterPayload;
  };

  return {
    // The model is part of the digest: one value never means the same row for two models.
    storageId: (model, id) => (isCredential(model) ? sealer.digest(`${model}:${id}`) : id),
    conceal: (model, payload) => transform(model, payload, (_path, value) => sealer.seal(value)),
    reveal: (model, stored, id) =>
      transform(model, stored, async (path, value) =>
        id !== undefined && path.length === 1 && path[0] === 'jti' ? id : sealer.open(value),
      ),
  };
}
