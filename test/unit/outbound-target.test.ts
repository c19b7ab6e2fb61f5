import { parseOutboundAllowList } from '../../src/config.js';
import { isAdmittedCallbackHost, isSpecialUseHost } from '../../src/registry/outbound-target.js';

const hostOf = (uri: string) => new URL(uri).hostname;

describe('hosts a back-channel logout URI may not name', () => {
  it.each([
    'http://127.0.0.1/',
    'http://127.1/',
    'http://2130706433/',
    'http://0x7f.0.0.1/',
    'http://0.0.0.0/',
    'http://[::1]/',
    'http://[::]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:10.1.2.3]/',
    'http://10.20.30.40/',
    'http://172.16.0.1/',
    'http://172.31.255.255/',
    'http://192.168.1.1/',
    'http://169.254.169.254/',
    'http://100.64.0.1/',
    'http://[fd12::1]/',
    'http://[fe80::1]/',
    'http://[64:ff9b::a00:1]/',
    'http://localhost/',
    'http://LOCALHOST./',
    'http://redis.localhost/',
    'http://ip6-localhost/',
  ])('refuses %s', (uri) => {
    expect(isSpecialUseHost(hostOf(uri))).toBe(true);
  });

  it.each(['https://www.lyon.fr/', 'https://8.8.8.8/', 'https://172.32.0.1/', 'https://[2a01:4f8::1]/', 'https://localhost.example.org/'])(
    'accepts %s',
    (uri) => {
      expect(isSpecialUseHost(hostOf(uri))).toBe(false);
    },
  );

  it('admits exactly the hosts and ranges OUTBOUND_ALLOWLIST names', () => {
    const allowList = parseOutboundAllowList('localhost,10.0.0.0/8,::1');
    expect(isAdmittedCallbackHost(hostOf('http://localhost:6379/'), allowList)).toBe(true);
    expect(isAdmittedCallbackHost(hostOf('https://10.9.8.7/'), allowList)).toBe(true);
    expect(isAdmittedCallbackHost(hostOf('http://[::1]/'), allowList)).toBe(true);
    expect(isAdmittedCallbackHost(hostOf('http://127.0.0.1/'), allowList)).toBe(false);
    expect(isAdmittedCallbackHost(hostOf('https://192.168.0.1/'), allowList)).toBe(false);
    expect(isAdmittedCallbackHost(hostOf('http://127.0.0.1/'), undefined)).toBe(false);
  });
});
