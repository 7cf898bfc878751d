// Address and prefix arithmetic for validation and defaults, on top of ipaddr.js. Offsets inside
// a prefix are BigInts so that IPv6 pools work the same way as IPv4 ones. Parsing is strict:
// IPv4 only in dotted-decimal four-part form, IPv6 without a zone id.
import ipaddr from 'ipaddr.js';

export type IpFamily = 'ipv4' | 'ipv6';
export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

export interface Cidr {
  /** As written. */
  text: string;
  family: IpFamily;
  /** The address as written (may have host bits set). */
  address: IpAddress;
  prefix: number;
}

const BITS: Record<IpFamily, number> = { ipv4: 32, ipv6: 128 };

/** Parses one IP address; `null` when it is not a strict IPv4/IPv6 literal. */
export function parseIp(text: unknown, family?: IpFamily): IpAddress | null {
  if (typeof text !== 'string') return null;
  if (family !== 'ipv6' && ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (family !== 'ipv4' && text.includes(':') && !text.includes('%') && ipaddr.IPv6.isValid(text)) {
    return ipaddr.IPv6.parse(text);
  }
  return null;
}

/** Parses `address/prefix`; `null` when malformed or not of `family`. */
export function parseCidr(text: unknown, family?: IpFamily): Cidr | null {
  if (typeof text !== 'string') return null;
  const slash = text.lastIndexOf('/');
  if (slash < 0) return null;
  const prefixText = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return null;
  const address = parseIp(text.slice(0, slash), family);
  if (!address) return null;
  const prefix = Number(prefixText);
  if (prefix > BITS[address.kind()]) return null;
  return { text, family: address.kind(), address, prefix };
}

export function toBigInt(address: IpAddress): bigint {
  let n = 0n;
  for (const byte of address.toByteArray()) n = (n << 8n) | BigInt(byte);
  return n;
}

export function fromBigInt(value: bigint, family: IpFamily): IpAddress {
  const bytes: number[] = [];
  let v = value;
  for (let i = 0; i < BITS[family] / 8; i++) {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  return ipaddr.fromByteArray(bytes);
}

/** Number of addresses in the prefix (2^(bits-prefix)). */
export function prefixSize(c: Cidr): bigint {
  return 1n << BigInt(BITS[c.family] - c.prefix);
}

/** The network address of the prefix (host bits cleared). */
export function networkAddress(c: Cidr): IpAddress {
  return fromBigInt(toBigInt(c.address) - (toBigInt(c.address) % prefixSize(c)), c.family);
}

/** `10.2.0.0/24` for `10.2.0.5/24`. */
export function networkText(c: Cidr): string {
  return `${networkAddress(c).toString()}/${c.prefix}`;
}

export function isNetworkAddress(c: Cidr): boolean {
  return toBigInt(c.address) % prefixSize(c) === 0n;
}

/**
 * How many addresses of the prefix a router id / host part can take: IPv4 leaves out the network
 * and broadcast addresses (nothing usable in a /31 or /32); IPv6 leaves out only the subnet-router
 * anycast address (offset 0).
 */
export function usableCount(c: Cidr): bigint {
  const size = prefixSize(c);
  if (c.family === 'ipv6') return size - 1n;
  return size >= 4n ? size - 2n : 0n;
}

/** The address at `offset` from the network address (offset 1 = first usable). */
export function addressAt(c: Cidr, offset: bigint): IpAddress {
  return fromBigInt(toBigInt(networkAddress(c)) + offset, c.family);
}

/** Whether two prefixes share at least one address (always false across families). */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const shorter = a.prefix <= b.prefix ? a : b;
  const other = shorter === a ? b : a;
  return other.address.match(networkAddress(shorter), shorter.prefix);
}

/** Whether the address lies inside the prefix. */
export function cidrContains(c: Cidr, address: IpAddress): boolean {
  return address.kind() === c.family && address.match(networkAddress(c), c.prefix);
}

/** ULA (fc00::/7). */
export function isUniqueLocal(c: Cidr): boolean {
  return c.family === 'ipv6' && networkAddress(c).range() === 'uniqueLocal';
}

/** Canonical text of an address, for equality comparisons. */
export function canonicalIp(address: IpAddress): string {
  return address.kind() === 'ipv6' ? (address as ipaddr.IPv6).toNormalizedString() : address.toString();
}
