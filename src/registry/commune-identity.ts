// A commune's identity on the citizen's pages (pure rules): its logo is a PNG, JPEG or WebP image as its
// bytes say (never its name or declared type: an SVG or an HTML file could carry script), size- and
// dimension-bounded; its colour carries white text at WCAG 2.1 AA (4.5:1); its links are https.
import { createHash } from 'node:crypto';
import { invalid } from '../errors.js';

export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type LogoType = (typeof LOGO_TYPES)[number];

/**
 * 45 KiB: a header logo needs far less, and its base64 fits the operators' API's 64 KiB JSON body
 * (operatorsApi.bodyLimitBytes); the database refuses anything over 200 KB whatever the code says.
 */
export const LOGO_MAX_BYTES = 45 * 1024;
export const LOGO_MAX_SIDE_PIXELS = 2048;
export const MIN_CONTRAST_WITH_WHITE = 4.5;

export interface Logo {
  bytes: Buffer;
  contentType: LogoType;
  /** Hex SHA-256 of the bytes: the logo's ETag and the version in its URL. */
  sha256: string;
  width: number;
  height: number;
}

/** A change to the text fields: undefined keeps the field, null (or an empty string) clears it. */
export interface CommuneIdentityChange {
  displayName?: string | null | undefined;
  mainColor?: string | null | undefined;
  websiteUrl?: string | null | undefined;
  privacyUrl?: string | null | undefined;
  helpContact?: string | null | undefined;
}

export interface CommuneIdentity {
  displayName: string | undefined;
  mainColor: string | undefined;
  websiteUrl: string | undefined;
  privacyUrl: string | undefined;
  helpContact: string | undefined;
}

const logoType = () => invalid('commune_logo_type', 'logo: a PNG, JPEG or WebP image (checked by its content)', { field: 'logo' });

interface Size {
  width: number;
  height: number;
}

const startsWith = (bytes: Buffer, prefix: readonly number[], at = 0) => prefix.every((b, i) => bytes[at + i] === b);

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// The IEND chunk: length 0, type, CRC. A PNG cut short lacks it.
const PNG_END = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

function pngSize(bytes: Buffer): Size | undefined {
  if (bytes.length < 8 + 25 + 12 || !startsWith(bytes, PNG_SIGNATURE)) return undefined;
  if (bytes.readUInt32BE(8) !== 13 || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  if (!startsWith(bytes, PNG_END, bytes.length - PNG_END.length)) return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Walks the JPEG's segments up to its frame header (SOFn); it must end with EOI. */
function jpegSize(bytes: Buffer): Size | undefined {
  if (bytes.length < 4 || !startsWith(bytes, [0xff, 0xd8, 0xff]) || !startsWith(bytes, [0xff, 0xd9], bytes.length - 2)) return undefined;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // scan or end before any frame header
    const length = bytes.readUInt16BE(at + 2);
    if (length < 2 || at + 2 + length > bytes.length) return undefined;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return length >= 7 ? { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) } : undefined;
    at += 2 + length;
  }
  return undefined;
}

/** RIFF container whose length is exactly the file's, then a VP8, VP8L or VP8X first chunk. */
function webpSize(bytes: Buffer): Size | undefined {
  if (bytes.length < 30 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WEBP') return undefined;
  if (bytes.readUInt32LE(4) + 8 !== bytes.length) return undefined;
  const chunk = bytes.toString('latin1', 12, 16);
  if (chunk === 'VP8X') return { width: bytes.readUIntLE(24, 3) + 1, height: bytes.readUIntLE(27, 3) + 1 };
  if (chunk === 'VP8L') {
    if (bytes[20] !== 0x2f) return undefined;
    const bits = bytes.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8 ') {
    if (!startsWith(bytes, [0x9d, 0x01, 0x2a], 23)) return undefined;
    return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
  }
  return undefined;
}

const SNIFFERS: readonly [LogoType, (bytes: Buffer) => Size | undefined][] = [
  ['image/png', pngSize],
  ['image/jpeg', jpegSize],
  ['image/webp', webpSize],
];

/** The logo as stored: its type read from its bytes, its size and dimensions bounded. */
export function checkLogo(data: Uint8Array, maxBytes = LOGO_MAX_BYTES): Logo {
  const bytes = Buffer.from(data);
  if (bytes.length > maxBytes) {
    throw invalid('commune_logo_too_large', `logo: at most ${maxBytes} bytes (this one has ${bytes.length})`, { field: 'logo' });
  }
  for (const [contentType, sizeOf] of SNIFFERS) {
    const size = sizeOf(bytes);
    if (!size) continue;
    const fits = (side: number) => side >= 1 && side <= LOGO_MAX_SIDE_PIXELS;
    if (!fits(size.width) || !fits(size.height)) {
      throw invalid('commune_logo_dimensions', `logo: ${size.width}×${size.height} pixels, each side 1 to ${LOGO_MAX_SIDE_PIXELS}`, {
        field: 'logo',
      });
    }
    return { bytes, contentType, sha256: createHash('sha256').update(bytes).digest('hex'), ...size };
  }
  throw logoType();
}

/** WCAG 2.1 relative luminance of an sRGB #RRGGBB colour. */
export function relativeLuminance(hex: string): number {
  const channel = (offset: number) => {
    const c = parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** The WCAG 2.1 contrast ratio of white text on `hex` (1 to 21). */
export const contrastWithWhite = (hex: string) => 1.05 / (relativeLuminance(hex) + 0.05);

export function checkColor(value: string): string {
  const color = value.trim().toUpperCase();
  if (!/^#[0-9A-F]{6}$/.test(color)) throw invalid('commune_color_invalid', 'color: #RRGGBB, such as #0B4F9C', { field: 'color' });
  const ratio = contrastWithWhite(color);
  if (ratio < MIN_CONTRAST_WITH_WHITE) {
    throw invalid('commune_color_contrast', `color: white text on ${color} has a contrast of ${ratio.toFixed(2)}:1, below 4.5:1`, {
      field: 'color',
    });
  }
  return color;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An absolute https URL (http on localhost), without credentials, at most 2048 characters. */
export function checkIdentityUrl(value: string, field: string): string {
  const refuse = () => invalid('commune_url_invalid', `${field}: an absolute https URL without credentials`, { field });
  const text = value.trim();
  if (text.length > 2048 || /[\s\p{Cc}]/u.test(text) || !URL.canParse(text)) throw refuse();
  const url = new URL(text);
  const isLocal = url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname);
  if ((url.protocol !== 'https:' && !isLocal) || url.username || url.password || !url.hostname) throw refuse();
  return url.href;
}

function checkText(value: string, maxLength: number, error: () => Error): string {
  const text = value.trim();
  if (!text || text.length > maxLength || /[\p{Cc}\u2028\u2029]/u.test(text)) throw error();
  return text;
}

/** Each field given, checked; null for a field to clear (given as null or an empty string). */
export function checkIdentityChange(change: CommuneIdentityChange): { [K in keyof CommuneIdentity]?: string | null } {
  const checked: { [K in keyof CommuneIdentity]?: string | null } = {};
  const each = (key: keyof CommuneIdentity, check: (value: string) => string) => {
    const value: string | null | undefined = change[key];
    if (value === undefined) return;
    checked[key] = value === null || value.trim() === '' ? null : check(value);
  };
  each('displayName', (v) =>
    checkText(v, 120, () => invalid('commune_display_name_invalid', 'display_name: 1 to 120 characters', { field: 'display_name' })),
  );
  each('mainColor', checkColor);
  each('websiteUrl', (v) => checkIdentityUrl(v, 'website_url'));
  each('privacyUrl', (v) => checkIdentityUrl(v, 'privacy_url'));
  each('helpContact', (v) =>
    checkText(v, 300, () =>
      invalid('commune_help_contact_invalid', 'help_contact: 1 to 300 characters on one line', { field: 'help_contact' }),
    ),
  );
  return checked;
}
