import { deviceName, readableAddress } from '../../src/views/device-names.js';

describe('what a person reads for a browser and an address', () => {
  it('names the browser, its major version and the system', () => {
    const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
    expect(deviceName(firefox)).toBe('Firefox 133 · Linux');
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
    expect(deviceName(iphone)).toBe('Safari 17 · iOS');
  });

  it('gives nothing for an empty or meaningless user agent, so that the page says "unknown device"', () => {
    expect(deviceName(undefined)).toBeUndefined();
    expect(deviceName('')).toBeUndefined();
    expect(deviceName('curl-ish')).toBeUndefined();
  });

  it('shows an IPv4 address without the ::ffff: of a mapped socket, and leaves IPv6 as it is', () => {
    expect(readableAddress('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(readableAddress('2001:db8::1')).toBe('2001:db8::1');
    expect(readableAddress('::ffff:abcd')).toBe('::ffff:abcd');
    expect(readableAddress(undefined)).toBeUndefined();
  });
});
