import { AppError } from '../../src/errors.js';
import {
  checkColor,
  checkIdentityChange,
  checkIdentityUrl,
  checkLogo,
  contrastWithWhite,
  LOGO_MAX_BYTES,
  relativeLuminance,
} from '../../src/registry/index.js';
import { aGif, aJpeg, anHtmlPage, anSvg, aPng, aPngOfAbout, aWebp } from '../support/images.js';
import { thrownBy } from '../support/thrown.js';

const codeOf = (run: () => unknown) => thrownBy(AppError, run).code;

describe("a commune's logo", () => {
  it.each([
    ['a PNG', aPng(3, 2), 'image/png', 3, 2],
    ['a JPEG', aJpeg(), 'image/jpeg', 1, 1],
    ['a WebP', aWebp(), 'image/webp', 1, 1],
  ] as const)('takes %s, its type and size read from its bytes', (_what, bytes, contentType, width, height) => {
    const logo = checkLogo(bytes);
    expect([logo.contentType, logo.width, logo.height, logo.bytes.equals(bytes)]).toEqual([contentType, width, height, true]);
    expect(logo.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['an SVG (it may carry script)', anSvg()],
    ['an HTML page, whatever its name', anHtmlPage()],
    ['a GIF', aGif()],
    ['garbage', Buffer.from('not an image at all, just some text')],
    ['nothing', Buffer.alloc(0)],
    ['a PNG cut short', aPng(4, 4).subarray(0, aPng(4, 4).length - 8)],
    ['a PNG signature followed by HTML', Buffer.concat([aPng().subarray(0, 8), anHtmlPage()])],
    ['a JPEG cut short', aJpeg().subarray(0, 60)],
    ['a JPEG without a frame header', Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0xff, 0xd9])],
    ['a WebP cut short', aWebp().subarray(0, 30)],
    ['a WebP with something after it', Buffer.concat([aWebp(), anHtmlPage()])],
  ])('refuses %s as not a PNG, JPEG or WebP image', (_what, bytes) => {
    expect(codeOf(() => checkLogo(bytes))).toBe('commune_logo_type');
  });

  it('refuses a file over the limit before looking at it', () => {
    const large = aPngOfAbout(LOGO_MAX_BYTES + 2000);
    expect(large.length).toBeGreaterThan(LOGO_MAX_BYTES);
    expect(codeOf(() => checkLogo(large))).toBe('commune_logo_too_large');
    expect(checkLogo(aPngOfAbout(LOGO_MAX_BYTES - 4000)).contentType).toBe('image/png');
  });

  it('refuses an image wider or taller than 2048 pixels, or empty', () => {
    expect(codeOf(() => checkLogo(aPng(4096, 1)))).toBe('commune_logo_dimensions');
    expect(codeOf(() => checkLogo(aPng(0, 1)))).toBe('commune_logo_dimensions');
    expect(checkLogo(aPng(2048, 1)).width).toBe(2048);
  });
});

describe("a commune's main colour", () => {
  it('computes the WCAG 2.1 relative luminance and contrast with white', () => {
    expect(relativeLuminance('#FFFFFF')).toBeCloseTo(1, 5);
    expect(relativeLuminance('#000000')).toBe(0);
    expect(contrastWithWhite('#000000')).toBeCloseTo(21, 5);
    expect(contrastWithWhite('#767676')).toBeCloseTo(4.54, 2);
    expect(contrastWithWhite('#FFD700')).toBeCloseTo(1.4, 1);
  });

  it.each(['#0B4F9C', '#0b4f9c', '#767676', '#000000', '#C8102E'])('takes %s, on which white text reads at 4.5:1 or more', (color) => {
    expect(checkColor(color)).toBe(color.toUpperCase());
  });

  it.each(['#FFD700', '#777777', '#FFFFFF', '#00A3E0'])('refuses %s, on which white text falls below 4.5:1', (color) => {
    expect(codeOf(() => checkColor(color))).toBe('commune_color_contrast');
  });

  it.each(['0B4F9C', '#0B4F9', '#0B4F9CFF', 'blue', '#GGGGGG', 'rgb(0,0,0)'])('refuses %s, not written #RRGGBB', (color) => {
    expect(codeOf(() => checkColor(color))).toBe('commune_color_invalid');
  });
});

describe("a commune's links and texts", () => {
  it.each(['https://www.ville-oullins.fr/', 'http://localhost:8080/site', 'https://oullins.fr/donnees?x=1'])('takes %s', (url) => {
    expect(checkIdentityUrl(url, 'website_url')).toBe(new URL(url).href);
  });

  it.each([
    'http://www.ville-oullins.fr/',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    '//oullins.fr/',
    '/relative',
    'https://user:secret@oullins.fr/',
    'https://oullins.fr/\u0000x',
    `https://oullins.fr/${'a'.repeat(2050)}`,
  ])('refuses %.60j', (url) => {
    expect(codeOf(() => checkIdentityUrl(url, 'website_url'))).toBe('commune_url_invalid');
  });

  it('checks each field given, keeps those not given and clears those given empty or null', () => {
    expect(checkIdentityChange({ displayName: "  Ville d'Oullins ", mainColor: '#0b4f9c', websiteUrl: '', privacyUrl: null })).toEqual({
      displayName: "Ville d'Oullins",
      mainColor: '#0B4F9C',
      websiteUrl: null,
      privacyUrl: null,
    });
  });

  it.each([
    ['a display name of 121 characters', { displayName: 'x'.repeat(121) }, 'commune_display_name_invalid'],
    ['a display name with a control character', { displayName: 'Ville\u0007 de Bron' }, 'commune_display_name_invalid'],
    ['a help contact on two lines', { helpContact: 'Mairie\nde Bron' }, 'commune_help_contact_invalid'],
    ['a help contact of 301 characters', { helpContact: 'x'.repeat(301) }, 'commune_help_contact_invalid'],
    ['a privacy policy over ftp', { privacyUrl: 'ftp://oullins.fr/' }, 'commune_url_invalid'],
  ] as const)('refuses %s', (_what, change, code) => {
    expect(codeOf(() => checkIdentityChange(change))).toBe(code);
  });
});
