// Address and prefix arithmetic on top of ipaddr.js (parsing, formatting, containment). Offsets
// are added as BigInt over the address bytes, so IPv4 and IPv6 share one code path.
import ipaddr from 'ipaddr.js';

export type Family = 'ipv4' | 'ipv6';

export interface ParsedPrefix {
  family: Family;
  /** Network address (host bits cleared), canonical text. */
  network: string;
  prefix: number;
  /** Number of bits in the address (32 or 128). */
  bits: number;
}

function toBigInt(bytes: number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function fromBigInt(v: bigint, bits: number): string {
  const bytes: number[] = [];
  for (let i = bits / 8 - 1; i >= 0; i--) bytes.push(Number((v >> BigInt(i * 8)) & 0xffn));
  const addr = ipaddr.fromByteArray(bytes);
  return addr.kind() === 'ipv6' ? (addr as ipaddr.IPv6).toRFC5952String() : addr.toString();
}

/** Canonical text of an address (RFC 5952 for IPv6). Throws on invalid input. */
export function canonicalAddress(text: string): string {
  const a = ipaddr.parse(text);
  return a.kind() === 'ipv6' ? (a as ipaddr.IPv6).toRFC5952String() : a.toString();
}

export function addressFamily(text: string): Family | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return 'ipv4';
  if (!text.includes(':') || !ipaddr.IPv6.isValid(text)) return null;
  return 'ipv6';
}

/** Parses `addr/len`, clearing host bits. Throws on invalid input. */
export function parsePrefix(cidr: string): ParsedPrefix {
  const [addr, prefix] = ipaddr.parseCIDR(cidr);
  const bits = addr.kind() === 'ipv4' ? 32 : 128;
  const value = toBigInt(addr.toByteArray());
  const hostBits = BigInt(bits - prefix);
  const network = (value >> hostBits) << hostBits;
  return { family: addr.kind() as Family, network: fromBigInt(network, bits), prefix, bits };
}

/** Number of addresses in the prefix (2^(bits-prefix)). */
export function prefixSize(p: ParsedPrefix): bigint {
  return 1n << BigInt(p.bits - p.prefix);
}

/** The address `offset` positions after the network address (offset 0 = network address). */
export function addressAt(p: ParsedPrefix, offset: bigint): string {
  if (offset < 0n || offset >= prefixSize(p)) {
    throw new RangeError(`offset ${offset} is outside ${p.network}/${p.prefix}`);
  }
  return fromBigInt(toBigInt(ipaddr.parse(p.network).toByteArray()) + offset, p.bits);
}

/**
 * Whether the N-th usable address exists (N ≥ 1). In IPv4 the network and broadcast addresses are
 * not usable (except in /31 and /32, which have no usable N-th address for a router pool anyway);
 * in IPv6 the subnet-router anycast (offset 0) is skipped, every other address is usable.
 */
export function hasNthUsable(p: ParsedPrefix, n: number | bigint): boolean {
  const N = BigInt(n);
  if (N < 1n) return false;
  const size = prefixSize(p);
  return p.family === 'ipv4' ? N <= size - 2n : N <= size - 1n;
}

/** The N-th usable address of a prefix (router id N → its address in a pool). */
export function nthUsable(p: ParsedPrefix, n: number): string {
  if (!hasNthUsable(p, n)) throw new RangeError(`${p.network}/${p.prefix} has no usable address number ${n}`);
  return addressAt(p, BigInt(n));
}

/** Whether two prefixes share at least one address. */
export function prefixesOverlap(a: ParsedPrefix, b: ParsedPrefix): boolean {
  if (a.family !== b.family) return false;
  const shorter = Math.min(a.prefix, b.prefix);
  const shift = BigInt(a.bits - shorter);
  const na = toBigInt(ipaddr.parse(a.network).toByteArray()) >> shift;
  const nb = toBigInt(ipaddr.parse(b.network).toByteArray()) >> shift;
  return na === nb;
}

/** Whether `address` lies inside prefix `p`. */
export function prefixContains(p: ParsedPrefix, address: string): boolean {
  const a = ipaddr.parse(address);
  if (a.kind() !== p.family) return false;
  return prefixesOverlap(p, { family: p.family, network: fromBigInt(toBigInt(a.toByteArray()), p.bits), prefix: p.bits, bits: p.bits });
}

/** Dotted netmask of an IPv4 prefix length. */
export function ipv4Netmask(prefix: number): string {
  return ipaddr.IPv4.subnetMaskFromPrefixLength(prefix).toString();
}
