// Each format of the communes' sites is recognised and verified: hashes made here with the libraries for
// known passwords, and for the formats whose libraries only verify, vectors published by the libraries' and
// the formats' own tests; a wrong password and garbage answer false; parameters no real site uses are refused.
import { createRequire } from 'node:module';
import argon2 from 'argon2';
import bcrypt from 'bcryptjs';
import { encrypt } from 'unixcrypt';
import { LEGACY_HASH_LIMITS, legacyHashFormat, verifyLegacyHash, type LegacyHashFormat } from '../../src/accounts/legacy-hashes.js';

const drupal = createRequire(import.meta.url)('drupal-hash') as { hashPassword(password: string, countLog2?: number): string };

interface Known {
  source: string;
  hash: string;
  password: string;
}

/** Published vectors: each verifier must open them with their password, and only with it. */
const VECTORS: Array<[LegacyHashFormat, Known]> = [
  [
    'bcrypt',
    {
      source: "php-src's password_hash test ($2y$)",
      hash: '$2y$07$usesomesillystringfore2uDLvp1Ii2e./U9C8sBjqp8I90dH6hi',
      password: 'rasmuslerdorf',
    },
  ],
  [
    'bcrypt',
    { source: "Openwall's crypt_blowfish ($2a$)", hash: '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW', password: 'U*U' },
  ],
  [
    'django-pbkdf2-sha256',
    {
      source: "Django 1.8's test_pbkdf2",
      hash: 'pbkdf2_sha256$20000$seasalt$oBSd886ysm3AqYun62DOdin8YcfbU1z9cksZSuLP9r0=',
      password: 'lètmein',
    },
  ],
  [
    'django-pbkdf2-sha256',
    {
      source: "Django 5.1's test_pbkdf2",
      hash: 'pbkdf2_sha256$870000$seasalt$wJSpLMQRQz0Dhj/pFpbyjMj71B2gUYp6HJS5AU+32Ac=',
      password: 'lètmein',
    },
  ],
  [
    'drupal7',
    { source: "drupal-hash's own test", hash: '$S$D8kwCLZGWoVb9CflvNZFX797Jrhf7RfIrBYmW3tHlYCQ7D.l7mLb', password: 'derpalicious' },
  ],
  ['phpass', { source: "drupal-hash's own test ($P$)", hash: '$P$DxTIL/YfZCdJtFYNh1Ef9ERbMBkuQ91', password: 'derpalicious' }],
  ['phpass', { source: "John the Ripper's phpass tests ($P$)", hash: '$P$900000000m6YEJzWtTmNBBL4jypbHv1', password: 'openwall' }],
  ['phpass', { source: "John the Ripper's phpBB3 tests ($H$)", hash: '$H$9aaaaaSXBjgypwqm.JsMssPLiS8YQ00', password: 'test1' }],
  [
    'sha256-crypt',
    { source: 'openssl passwd -5', hash: '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5', password: 'Hello world!' },
  ],
  [
    'sha512-crypt',
    {
      source: "Drepper's specification",
      hash: '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1',
      password: 'Hello world!',
    },
  ],
  [
    'sha512-crypt',
    {
      source: "Drepper's specification, rounds=",
      hash: '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.',
      password: 'Hello world!',
    },
  ],
];

const PASSWORD = 'mot de passe de la médiathèque';

/** Made here with the libraries that write these formats, for PASSWORD. */
async function madeHere(): Promise<Array<[LegacyHashFormat, string]>> {
  const bcryptHash = await bcrypt.hash(PASSWORD, 4); // $2b$
  return [
    ['bcrypt', bcryptHash],
    // PHP writes $2y$ and older libraries $2a$ for the same algorithm on a UTF-8 password.
    ['bcrypt', bcryptHash.replace(/^\$2b\$/, '$2y$')],
    ['bcrypt', bcryptHash.replace(/^\$2b\$/, '$2a$')],
    ['drupal7', drupal.hashPassword(PASSWORD, 10)],
    ['sha256-crypt', encrypt(PASSWORD, '$5$rounds=2000$mediaSALT')],
    ['sha512-crypt', encrypt(PASSWORD, '$6$abcdefgh12345678')],
    ['argon2', await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 1024, timeCost: 2, parallelism: 1 })],
    ['argon2', await argon2.hash(PASSWORD, { type: argon2.argon2i, memoryCost: 1024, timeCost: 2, parallelism: 1 })],
    ['argon2', await argon2.hash(PASSWORD, { type: argon2.argon2d, memoryCost: 1024, timeCost: 2, parallelism: 1 })],
  ];
}

describe('the published vectors', () => {
  it.each(VECTORS)('%s: %p opens with its password and only with it', async (format, { hash, password }) => {
    expect(legacyHashFormat(hash)).toBe(format);
    expect(await verifyLegacyHash(hash, password)).toBe(true);
    expect(await verifyLegacyHash(hash, `${password}!`)).toBe(false);
    expect(await verifyLegacyHash(hash, `x${password}`)).toBe(false);
    expect(await verifyLegacyHash(hash, '')).toBe(false);
  });
});

describe('hashes made with the libraries', () => {
  let made: Array<[LegacyHashFormat, string]>;
  beforeAll(async () => {
    made = await madeHere();
  });

  it('recognises each and opens it with the password it was made of, and with no other', async () => {
    for (const [format, hash] of made) {
      expect({ hash, format: legacyHashFormat(hash) }).toEqual({ hash, format });
      expect({ hash, opens: await verifyLegacyHash(hash, PASSWORD) }).toEqual({ hash, opens: true });
      expect({ hash, opens: await verifyLegacyHash(hash, 'mot de passe de la mediatheque') }).toEqual({ hash, opens: false });
    }
  });

  it('verifies the password as typed, unnormalised, the way the site hashed it', async () => {
    const decomposed = PASSWORD.normalize('NFD'); // é as e + U+0301: other bytes than the site hashed
    for (const [, hash] of made) expect({ hash, opens: await verifyLegacyHash(hash, decomposed) }).toEqual({ hash, opens: false });
  });

  it('refuses a password of several kilobytes before any hashing', async () => {
    const long = 'x'.repeat(5000);
    const hash = drupal.hashPassword(long, 7);
    expect(legacyHashFormat(hash)).toBe('drupal7');
    expect(await verifyLegacyHash(hash, long)).toBe(false);
  });
});

describe('garbage', () => {
  const GARBAGE = [
    '',
    'plaintext password',
    '$2b$10$short',
    '$2x$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e', // crypt_blowfish's buggy $2x$: not taken
    'pbkdf2_sha256$many$seasalt$oBSd886ysm3AqYun62DOdin8YcfbU1z9cksZSuLP9r0=',
    'pbkdf2_sha1$20000$seasalt$oBSd886ysm3AqYun62DOdin8YcfbU1z9cksZSuLP9r0=',
    'pbkdf2_sha256$20000$$oBSd886ysm3AqYun62DOdin8YcfbU1z9cksZSuLP9r0=',
    '$S$D8kwCLZGWoVb9CflvNZFX797Jrhf7RfIrBYm', // cut short
    'U$S$D8kwCLZGWoVb9CflvNZFX797Jrhf7RfIrBYmW3tHlYCQ7D.l7mLb', // Drupal's MD5-wrapped update: not taken
    '$P$DxTIL/YfZCdJtFYNh1Ef9ERbMBkuQ91extra',
    '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl', // a body of the wrong length
    '$6$salt string$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1',
    '$1$saltsalt$qjXMvbEw8oaL.CzflDugX/', // MD5-crypt: not a format we take
    '$argon2id$v=19$m=1024,t=2,p=1$!!!!!!!!$@@@@@@@@@@@@@@@@',
    `$argon2id$v=19$m=1024,t=2,p=1$${'A'.repeat(8)}$${'B'.repeat(16)}`, // recognised, but no valid body
    '$5$' + '$'.repeat(60),
    'x'.repeat(5000),
  ];

  it.each(GARBAGE)('answers false for %p without throwing', async (hash) => {
    await expect(verifyLegacyHash(hash, 'rasmuslerdorf')).resolves.toBe(false);
  });

  it('answers false for what is not even a string', async () => {
    await expect(verifyLegacyHash(undefined as unknown as string, 'p')).resolves.toBe(false);
    await expect(verifyLegacyHash(42 as unknown as string, 'p')).resolves.toBe(false);
    await expect(
      verifyLegacyHash('$2y$07$usesomesillystringfore2uDLvp1Ii2e./U9C8sBjqp8I90dH6hi', undefined as unknown as string),
    ).resolves.toBe(false);
  });

  it('names no format for what is not one', () => {
    for (const hash of GARBAGE.filter((hash) => !hash.startsWith('$argon2id$v=19$m=1024'))) {
      expect({ hash, format: legacyHashFormat(hash) }).toEqual({ hash, format: undefined });
    }
  });
});

describe('parameters no real site uses', () => {
  const BCRYPT_BODY = 'usesomesillystringfore2uDLvp1Ii2e./U9C8sBjqp8I90dH6hi';
  const DJANGO_TAIL = 'seasalt$oBSd886ysm3AqYun62DOdin8YcfbU1z9cksZSuLP9r0=';
  const SHA512_TAIL = 'saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.';
  /** The phpass alphabet's character for a base-2 logarithm of the count. */
  const log2 = (n: number) => './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'[n]!;
  const argon2Hash = (m: number, t: number, p: number) => `$argon2id$v=19$m=${m},t=${t},p=${p}$c2FsdHNhbHRzYWx0$${'A'.repeat(43)}`;

  it('takes bcrypt up to cost 15, not beyond, nor below 4', () => {
    expect(legacyHashFormat(`$2y$15$${BCRYPT_BODY}`)).toBe('bcrypt');
    expect(legacyHashFormat(`$2y$16$${BCRYPT_BODY}`)).toBeUndefined();
    expect(legacyHashFormat(`$2y$31$${BCRYPT_BODY}`)).toBeUndefined();
    expect(legacyHashFormat(`$2y$03$${BCRYPT_BODY}`)).toBeUndefined();
  });

  it('takes PBKDF2 up to 10^7 iterations, not beyond, nor zero', () => {
    const { max } = LEGACY_HASH_LIMITS.pbkdf2Iterations;
    expect(legacyHashFormat(`pbkdf2_sha256$${max}$${DJANGO_TAIL}`)).toBe('django-pbkdf2-sha256');
    expect(legacyHashFormat(`pbkdf2_sha256$${max + 1}$${DJANGO_TAIL}`)).toBeUndefined();
    expect(legacyHashFormat(`pbkdf2_sha256$999999999$${DJANGO_TAIL}`)).toBeUndefined();
    expect(legacyHashFormat(`pbkdf2_sha256$0$${DJANGO_TAIL}`)).toBeUndefined();
  });

  it('takes sha-crypt between 1,000 and 10^6 rounds (passlib writes 656,000)', () => {
    const { min, max } = LEGACY_HASH_LIMITS.shaCryptRounds;
    expect(legacyHashFormat(`$6$rounds=656000$${SHA512_TAIL}`)).toBe('sha512-crypt');
    expect(legacyHashFormat(`$6$rounds=${max}$${SHA512_TAIL}`)).toBe('sha512-crypt');
    expect(legacyHashFormat(`$6$rounds=${max + 1}$${SHA512_TAIL}`)).toBeUndefined();
    expect(legacyHashFormat(`$6$rounds=999999999$${SHA512_TAIL}`)).toBeUndefined();
    expect(legacyHashFormat(`$6$rounds=${min - 1}$${SHA512_TAIL}`)).toBeUndefined();
  });

  it('takes phpass and Drupal 7 up to 2^18 iterations, not the format’s 2^30', () => {
    expect(legacyHashFormat(`$P$${log2(18)}00000000m6YEJzWtTmNBBL4jypbHv1`)).toBe('phpass');
    expect(legacyHashFormat(`$P$${log2(19)}00000000m6YEJzWtTmNBBL4jypbHv1`)).toBeUndefined();
    expect(legacyHashFormat(`$H$${log2(30)}00000000m6YEJzWtTmNBBL4jypbHv1`)).toBeUndefined();
    expect(legacyHashFormat(`$P$${log2(6)}00000000m6YEJzWtTmNBBL4jypbHv1`)).toBeUndefined();
    expect(legacyHashFormat(`$S$${log2(18)}8kwCLZGWoVb9CflvNZFX797Jrhf7RfIrBYmW3tHlYCQ7D.l7mLb`)).toBe('drupal7');
    expect(legacyHashFormat(`$S$${log2(30)}8kwCLZGWoVb9CflvNZFX797Jrhf7RfIrBYmW3tHlYCQ7D.l7mLb`)).toBeUndefined();
  });

  it('takes argon2 up to 256 MiB, 16 passes and 16 lanes, its parameters in any order', () => {
    expect(legacyHashFormat(argon2Hash(262_144, 16, 16))).toBe('argon2');
    expect(legacyHashFormat(`$argon2id$v=19$m=262144,p=16,t=16$c2FsdHNhbHRzYWx0$${'A'.repeat(43)}`)).toBe('argon2');
    expect(legacyHashFormat(`$argon2id$v=19$m=4194304,p=4,t=3$c2FsdHNhbHRzYWx0$${'A'.repeat(43)}`)).toBeUndefined();
    expect(legacyHashFormat(argon2Hash(4_194_304, 3, 4))).toBeUndefined();
    expect(legacyHashFormat(argon2Hash(65_536, 1000, 4))).toBeUndefined();
    expect(legacyHashFormat(argon2Hash(65_536, 3, 255))).toBeUndefined();
    // The same parameter twice, so that another is missing: not a PHC string.
    expect(legacyHashFormat(`$argon2id$v=19$m=65536,m=65536,p=4$c2FsdHNhbHRzYWx0$${'A'.repeat(43)}`)).toBeUndefined();
  });

  it('never verifies a hash whose parameters are refused, whatever the password', async () => {
    // The Drupal vector with its count raised to 2^30: its password would cost a billion rounds.
    await expect(verifyLegacyHash(`$S$${log2(30)}8kwCLZGWoVb9CflvNZFX797Jrhf7RfIrBYmW3tHlYCQ7D.l7mLb`, 'derpalicious')).resolves.toBe(
      false,
    );
    await expect(verifyLegacyHash(`$2y$31$${BCRYPT_BODY}`, 'rasmuslerdorf')).resolves.toBe(false);
  });
});
