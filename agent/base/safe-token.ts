// Last line of defence for renderers: the schema already restricts every name and address to a
// safe shape, but a renderer never writes a token into a config language without checking it, so
// a validation gap can not become syntax injection in bird, nginx, dnsmasq, nft or UCI.

export class UnsafeValueError extends Error {
  constructor(readonly what: string, readonly value: string) {
    super(`refusing to render ${what} ${JSON.stringify(value)}: it contains characters that are not allowed there`);
    this.name = 'UnsafeValueError';
  }
}

/** Interface names as Linux accepts and config languages can carry unquoted: no spaces, quotes, wildcards. */
const IFNAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,14}$/;
/** Host names, IPv4 and IPv6 literals (no brackets). */
const HOST = /^[A-Za-z0-9_.:-]{1,253}$/;
const PREFIX = /^[0-9A-Fa-f.:]{2,39}\/[0-9]{1,3}$/;
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function safeInterface(name: string): string {
  if (!IFNAME.test(name)) throw new UnsafeValueError('interface name', name);
  return name;
}

export function safeHost(host: string): string {
  if (!HOST.test(host)) throw new UnsafeValueError('host', host);
  return host;
}

export function safePrefix(cidr: string): string {
  if (!PREFIX.test(cidr)) throw new UnsafeValueError('prefix', cidr);
  return cidr;
}

export function safeName(name: string): string {
  if (!NAME.test(name)) throw new UnsafeValueError('name', name);
  return name;
}

export function safeInt(n: number, min: number, max: number): string {
  if (!Number.isInteger(n) || n < min || n > max) throw new UnsafeValueError('number', String(n));
  return String(n);
}
