import { Secret, TOTP, URI } from 'otpauth';
import QRCode from 'qrcode';
import { matchTotp, newTotpSecret, totpQrSvg, totpUri } from '../../src/accounts/factors/totp.js';

// RFC 6238's SHA-1 test key ("12345678901234567890") in base32: fixed, so no random secret can make two
// steps' codes collide and a test flaky.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const STEP_MS = 30_000;
// 2026-01-01T00:00:10Z: ten seconds into its step, so ±1 step is unambiguous.
const NOW = 1_767_225_610_000;
const NOW_STEP = Math.floor(NOW / STEP_MS);

/** The code an authenticator app shows at a timestamp (otpauth's defaults are the apps' defaults). */
const codeAt = (timestamp: number): string => TOTP.generate({ secret: Secret.fromBase32(RFC_SECRET), timestamp });

describe('newTotpSecret', () => {
  it('is 20 random bytes in base32', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(Secret.fromBase32(secret).bytes).toHaveLength(20);
    expect(newTotpSecret()).not.toBe(secret);
  });
});

describe('totpUri', () => {
  it('carries the issuer, the email as label and the parameters every app reads', () => {
    const uri = totpUri({ secret: RFC_SECRET, label: 'jeanne.dupont@example.org', issuer: 'GrandLyonConnect' });
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    const parsed = URI.parse(uri);
    expect(parsed).toBeInstanceOf(TOTP);
    expect(parsed).toMatchObject({ issuer: 'GrandLyonConnect', label: 'jeanne.dupont@example.org', algorithm: 'SHA1', digits: 6 });
    expect((parsed as TOTP).period).toBe(30);
    expect(parsed.secret.base32).toBe(RFC_SECRET);
  });

  it('names GrandLyonConnect as issuer when none is given', () => {
    expect(URI.parse(totpUri({ secret: RFC_SECRET, label: 'jeanne.dupont@example.org' })).issuer).toBe('GrandLyonConnect');
  });
});

/** The dark modules an SVG drawn by qrcode shows, read back from its path (M x y, m dx 0, h n). */
function darkModulesOf(svg: string, quietZone: number): Set<string> {
  const path = /<path stroke="#000000" d="([^"]*)"/.exec(svg)![1]!;
  const dark = new Set<string>();
  let x = 0;
  let y = 0;
  for (const [, command, first, second] of path.matchAll(/([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?/g)) {
    const a = Number(first);
    if (command === 'M') [x, y] = [a, Number(second) - 0.5];
    else if (command === 'm') x += a;
    else for (let end = x + a; x < end; x++) dark.add(`${x - quietZone},${y - quietZone}`);
  }
  return dark;
}

describe('totpQrSvg', () => {
  const uri = totpUri({ secret: RFC_SECRET, label: 'jeanne.dupont@example.org' });

  it('draws the QR code of the URI', async () => {
    const svg = await totpQrSvg(uri, 'QR code');
    const { modules } = QRCode.create(uri, { errorCorrectionLevel: 'M' });
    const expected = new Set<string>();
    for (let i = 0; i < modules.data.length; i++) if (modules.data[i]) expected.add(`${i % modules.size},${Math.floor(i / modules.size)}`);
    expect(expected.size).toBeGreaterThan(100);
    expect(darkModulesOf(svg, 4)).toEqual(expected);
  });

  it('is one named image with no script, handler or link to inline', async () => {
    const svg = await totpQrSvg(uri, 'Code QR à scanner');
    expect(svg).toMatch(/^<svg role="img" aria-label="Code QR à scanner" xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).not.toMatch(/<script|\son\w+=|href|<foreignObject/i);
    expect(svg.match(/<svg/g)).toHaveLength(1);
  });

  it('escapes the label so it cannot close the attribute', async () => {
    const svg = await totpQrSvg(uri, '"><script>alert(1)</script>');
    expect(svg).not.toContain('<script');
    expect(svg).toContain('aria-label="&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;"');
  });
});

describe('matchTotp', () => {
  it('matches the RFC 6238 SHA-1 test vector (T = 59 s, step 1)', () => {
    expect(matchTotp(RFC_SECRET, '287082', { now: 59_000 })).toEqual({ step: 1 });
    expect(matchTotp(RFC_SECRET, '081804', { now: 1_111_111_109_000 })).toEqual({ step: 37_037_036 });
  });

  it.each([
    ['the current step', 0],
    ['the previous step', -1],
    ['the next step', 1],
  ])('accepts a code of %s and returns its step', (_title, offset) => {
    expect(matchTotp(RFC_SECRET, codeAt(NOW + offset * STEP_MS), { now: NOW })).toEqual({ step: NOW_STEP + offset });
  });

  it.each([
    ['two steps before', -2],
    ['two steps after', 2],
  ])('refuses a code from %s', (_title, offset) => {
    const code = codeAt(NOW + offset * STEP_MS);
    expect(code).not.toBe(codeAt(NOW));
    expect(matchTotp(RFC_SECRET, code, { now: NOW })).toBeUndefined();
  });

  it('refuses a code replayed in its own window', () => {
    const code = codeAt(NOW);
    const first = matchTotp(RFC_SECRET, code, { now: NOW, lastUsedStep: undefined });
    expect(first).toEqual({ step: NOW_STEP });
    expect(matchTotp(RFC_SECRET, code, { now: NOW + 5_000, lastUsedStep: first!.step })).toBeUndefined();
    // Still refused one step later, while the code is still inside the window.
    expect(matchTotp(RFC_SECRET, code, { now: NOW + STEP_MS, lastUsedStep: first!.step })).toBeUndefined();
  });

  it('refuses an older step once a newer one was used', () => {
    const used = matchTotp(RFC_SECRET, codeAt(NOW + STEP_MS), { now: NOW });
    expect(used).toEqual({ step: NOW_STEP + 1 });
    expect(matchTotp(RFC_SECRET, codeAt(NOW), { now: NOW })).toEqual({ step: NOW_STEP });
    expect(matchTotp(RFC_SECRET, codeAt(NOW), { now: NOW, lastUsedStep: used!.step })).toBeUndefined();
  });

  it('accepts the code typed with spaces, as apps show it', () => {
    const code = codeAt(NOW);
    expect(matchTotp(RFC_SECRET, ` ${code.slice(0, 3)} ${code.slice(3)} `, { now: NOW })).toEqual({ step: NOW_STEP });
  });

  it('refuses anything that is not exactly six digits', () => {
    const code = codeAt(NOW);
    const garbage = ['', 'abcdef', code.slice(1), `${code}0`, `${code.slice(0, 5)}x`, `${code.slice(0, 3)}-${code.slice(3)}`, '١٢٣٤٥٦'];
    for (const typed of garbage) expect(matchTotp(RFC_SECRET, typed, { now: NOW })).toBeUndefined();
  });
});
