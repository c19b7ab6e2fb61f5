import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSealer, resolveSecretKey } from '../../src/sealing.js';

const sealer = createSealer('x'.repeat(40));

describe('sealer', () => {
  it('opens what it sealed', async () => {
    const sealed = await sealer.seal('{"kty":"EC","d":"secret"}');
    expect(await sealer.open(sealed)).toBe('{"kty":"EC","d":"secret"}');
  });

  it('does not show the plaintext in what it stores', async () => {
    const sealed = await sealer.seal('client-secret-value');
    expect(sealed).not.toContain('client-secret-value');
    expect(sealed.split('.')).toHaveLength(5);
  });

  it('seals the same plaintext differently each time', async () => {
    expect(await sealer.seal('same')).not.toBe(await sealer.seal('same'));
  });

  it('cannot be opened under another key', async () => {
    const sealed = await sealer.seal('client-secret-value');
    await expect(createSealer('y'.repeat(40)).open(sealed)).rejects.toThrow();
  });

  it('refuses a tampered seal', async () => {
    const parts = (await sealer.seal('client-secret-value')).split('.');
    const ciphertext = parts[3]!;
    parts[3] = (ciphertext[0] === 'A' ? 'B' : 'A') + ciphertext.slice(1);
    await expect(sealer.open(parts.join('.'))).rejects.toThrow();
  });
});

describe('resolveSecretKey', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'glc-sealing-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('uses SECRET_KEY when it is set', () => {
    expect(resolveSecretKey('k'.repeat(32), dataDir)).toBe('k'.repeat(32));
  });

  it('creates a development key once, readable only by its owner, and keeps it', () => {
    const created = resolveSecretKey(undefined, join(dataDir, 'nested'));
    expect(created.length).toBeGreaterThanOrEqual(32);
    const file = join(dataDir, 'nested', 'secret-key');
    expect(readFileSync(file, 'utf8').trim()).toBe(created);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(resolveSecretKey(undefined, join(dataDir, 'nested'))).toBe(created);
  });
});
