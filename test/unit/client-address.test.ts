import { loadConfig } from '../../src/config.js';
import { resolveClientAddress } from '../../src/http/client-address.js';

const trust = (value: string) => loadConfig({ TRUST_PROXY: value }).trustProxy;

describe('the client address', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(resolveClientAddress('1.2.3.4', '198.51.100.7', false)).toBe('198.51.100.7');
    expect(resolveClientAddress(undefined, '::ffff:198.51.100.7', false)).toBe('198.51.100.7');
  });

  it('behind one proxy, is the entry that proxy appended, not what the client wrote before it', () => {
    expect(resolveClientAddress('1.2.3.4, 6.6.6.6, 203.0.113.9', '10.0.0.2', trust('1'))).toBe('203.0.113.9');
    expect(resolveClientAddress('203.0.113.9', '10.0.0.2', trust('1'))).toBe('203.0.113.9');
  });

  it('behind two proxies, steps over both', () => {
    expect(resolveClientAddress('6.6.6.6, 203.0.113.9, 10.0.0.1', '10.0.0.2', trust('2'))).toBe('203.0.113.9');
  });

  it('is the peer when a request reaches the server without the proxy in front', () => {
    expect(resolveClientAddress(undefined, '203.0.113.9', trust('1'))).toBe('203.0.113.9');
    expect(resolveClientAddress('6.6.6.6', '203.0.113.9', trust('10.0.0.0/8'))).toBe('203.0.113.9');
  });

  it('with a list of proxies, is the rightmost entry no listed proxy wrote', () => {
    const proxies = trust('10.0.0.0/8, 2001:db8::1');
    expect(resolveClientAddress('6.6.6.6, 203.0.113.9, 10.1.1.1', '10.0.0.2', proxies)).toBe('203.0.113.9');
    expect(resolveClientAddress('6.6.6.6, [2001:db8::77]:4711', '2001:db8::1', proxies)).toBe('2001:db8::77');
  });

  it('reads addresses with ports and IPv4-mapped forms, and stops at an entry that is no address', () => {
    expect(resolveClientAddress('203.0.113.9:51234', '10.0.0.2', trust('1'))).toBe('203.0.113.9');
    expect(resolveClientAddress('203.0.113.9, <script>', '10.0.0.2', trust('2'))).toBe('10.0.0.2');
    expect(resolveClientAddress('unknown', '10.0.0.2', trust('1'))).toBe('10.0.0.2');
  });
});
