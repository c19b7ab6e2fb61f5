// What a person reads for a browser and an address: "Firefox sur Linux" rather than a user-agent string,
// an IPv4 address without the "::ffff:" an IPv4-mapped IPv6 socket shows.
import Bowser from 'bowser';

/** "Chrome 131 · Windows", or undefined when the string names nothing a person would recognise. */
export function deviceName(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  const parsed = Bowser.parse(userAgent);
  const browser = [parsed.browser.name, parsed.browser.version?.split('.')[0]].filter(Boolean).join(' ');
  const system = parsed.os.name;
  if (!browser && !system) return undefined;
  return [browser, system].filter(Boolean).join(' · ');
}

export function readableAddress(ip: string | undefined): string | undefined {
  return ip?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
}
