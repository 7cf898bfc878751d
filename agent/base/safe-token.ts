// Last line of defence for renderers: the schema already restricts every name and address to a
// safe shape, but a renderer never writes a token into a config language without checking it, so
// a validation gap can not become syntax injection in bird, nginx, dnsmasq, nft or UCI.
import { parseCidr } from './address-arithmetic.ts';
import { formatIpValue, parseIpValue, type Family } from './ip-address.ts';

export class UnsafeValueError extends Error {
  constructor(readonly what: string, readonly value: string) {
    super(`refusing to render ${what} ${JSON.stringify(value)}: it contains characters that are not allowed there`);
    this.name = 'UnsafeValueError';
  }
}

/** `value` when all of it has `shape`; refused otherwise. */
function token(shape: RegExp, what: string, value: string): string {
  if (!shape.test(value)) throw new UnsafeValueError(what, value);
  return value;
}

/** Interface names as Linux accepts and config languages can carry unquoted: no spaces, quotes, wildcards. */
const IFNAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,14}$/;
/** Host names, IPv4 and IPv6 literals (no brackets). */
const HOST = /^[A-Za-z0-9_.:-]{1,253}$/;
const PREFIX = /^[0-9A-Fa-f.:]{2,39}\/[0-9]{1,3}$/;
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function safeInterface(name: string): string {
  return token(IFNAME, 'interface name', name);
}

export function safeHost(host: string): string {
  return token(HOST, 'host', host);
}

export function safePrefix(cidr: string): string {
  return token(PREFIX, 'prefix', cidr);
}

export function safeName(name: string): string {
  return token(NAME, 'name', name);
}

export function safeInt(n: number, min: number, max: number): string {
  if (!Number.isInteger(n) || n < min || n > max) throw new UnsafeValueError('number', String(n));
  return String(n);
}

// MAC addresses, DUIDs, lease times, addresses and DNS names (the Linux renderers write them into
// dnsmasq, nft and nginx files).
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
/** 2 to 130 bytes in hex. */
const DUID = /^(?:[0-9a-f]{2}){2,130}$/i;
const LEASE_TIME = /^([1-9][0-9]{0,8}[smhdw]?|infinite)$/;
/** DNS names: labels of letters, digits, `-` and `_`, dot-separated (config-format.md). */
const DNS_NAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$/;
/** nft comments and table comments: kept to a plain charset so no quote can end the string. */
const NFT_COMMENT = /^[A-Za-z0-9_ .:,/-]{0,120}$/;

export function safeMac(mac: string): string {
  return token(MAC, 'MAC address', mac).toLowerCase();
}

/** A DUID as dnsmasq's `id:` expects it: hex bytes separated by colons. */
export function safeDuid(duid: string): string {
  return token(DUID, 'DUID', duid).toLowerCase().match(/../g)!.join(':');
}

export function safeLeaseTime(t: string): string {
  return token(LEASE_TIME, 'lease time', t);
}

export function safeDnsName(name: string): string {
  return token(DNS_NAME, 'DNS name', name);
}

/** An IPv4 or IPv6 address in canonical text; anything else is refused. */
export function safeAddress(text: string, family?: Family): string {
  const ip = parseIpValue(text, family);
  if (!ip) throw new UnsafeValueError(family ? `${family} address` : 'IP address', text);
  return formatIpValue(ip);
}

/** `address/prefix` with a valid address and a prefix length that fits its family, canonical. */
export function safeCidr(cidr: string): string {
  const c = parseCidr(cidr);
  if (!c) throw new UnsafeValueError('address/prefix', cidr);
  return `${c.address}/${c.prefix}`;
}

export function safeNftComment(text: string): string {
  return token(NFT_COMMENT, 'nft comment', text);
}

/** TXT text: printable ASCII without `"` and `\`, so it can sit between quotes in txt-record=. */
export function safeTxtText(text: string): string {
  return token(/^[ !#-[\]-~]{0,255}$/, 'TXT text', text);
}
