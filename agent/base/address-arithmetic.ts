// Address and prefix arithmetic (parsing, formatting, containment, pool sizes). Offsets are added
// as BigInt over the address bits, so IPv4 and IPv6 share one code path, and validation (parseCidr,
// usableCount) accepts exactly what the model computes with (nthUsable, prefixesOverlap).
import { familyBits, formatIpValue, parseIpValue, type Family } from './ip-address.ts';

export type { Family };

export interface ParsedPrefix {
  family: Family;
  /** Network address (host bits cleared), canonical text. */
  network: string;
  prefix: number;
  /** Number of bits in the address (32 or 128). */
  bits: number;
}

function fromBigInt(v: bigint, bits: number): string {
  return formatIpValue({ family: bits === 32 ? 'ipv4' : 'ipv6', value: v });
}

/** The address bits of a literal. Throws on invalid input (callers pass validated text). */
function addressValue(text: string): { family: Family; value: bigint } {
  const ip = parseIpValue(text);
  if (!ip) throw new TypeError(`${JSON.stringify(text)} is not an IP address`);
  return ip;
}

/** Canonical text of an address (RFC 5952 for IPv6). Throws on invalid input. */
export function canonicalAddress(text: string): string {
  return formatIpValue(addressValue(text));
}

export function addressFamily(text: string): Family | null {
  return parseIpValue(text)?.family ?? null;
}

/** Parses `addr/len`, clearing host bits. Throws on invalid input. */
export function parsePrefix(cidr: string): ParsedPrefix {
  const slash = cidr.lastIndexOf('/');
  const addr = addressValue(slash < 0 ? cidr : cidr.slice(0, slash));
  const bits = familyBits(addr.family);
  const prefixText = cidr.slice(slash + 1);
  const prefix = Number(prefixText);
  if (slash < 0 || !/^[0-9]{1,3}$/.test(prefixText) || prefix > bits) throw new TypeError(`${JSON.stringify(cidr)} is not a CIDR prefix`);
  const hostBits = BigInt(bits - prefix);
  const network = (addr.value >> hostBits) << hostBits;
  return { family: addr.family, network: fromBigInt(network, bits), prefix, bits };
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
  return fromBigInt(addressValue(p.network).value + offset, p.bits);
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
  const na = addressValue(a.network).value >> shift;
  const nb = addressValue(b.network).value >> shift;
  return na === nb;
}

/** Whether `address` lies inside prefix `p`. */
export function prefixContains(p: ParsedPrefix, address: string): boolean {
  const a = addressValue(address);
  if (a.family !== p.family) return false;
  return prefixesOverlap(p, { family: p.family, network: fromBigInt(a.value, p.bits), prefix: p.bits, bits: p.bits });
}

/** Dotted netmask of an IPv4 prefix length. */
export function ipv4Netmask(prefix: number): string {
  return fromBigInt(((1n << 32n) - 1n) ^ ((1n << BigInt(32 - prefix)) - 1n), 32);
}

export interface Cidr extends ParsedPrefix {
  /** As written. */
  text: string;
  /** Whether the written address has host bits set (`10.2.0.1/24` rather than `10.2.0.0/24`). */
  hostBitsSet: boolean;
  /** The written address, canonical. */
  address: string;
}

/** Parses `address/prefix` as written in the config; `null` when malformed, no string or not of `family`. */
export function parseCidr(text: unknown, family?: Family): Cidr | null {
  if (typeof text !== 'string') return null;
  const slash = text.lastIndexOf('/');
  const len = text.slice(slash + 1);
  const ip = slash < 0 || !/^(0|[1-9][0-9]{0,2})$/.test(len) ? null : parseIpValue(text.slice(0, slash), family);
  if (!ip || Number(len) > familyBits(ip.family)) return null;
  const address = formatIpValue(ip);
  const p = parsePrefix(`${address}/${len}`);
  return { ...p, text, address, hostBitsSet: address !== p.network };
}

/** `10.2.0.0/24` for `10.2.0.5/24`. */
export function networkText(c: Cidr): string {
  return `${c.network}/${c.prefix}`;
}

/** How many router ids / host parts the prefix holds (its usable addresses, see hasNthUsable). */
export function usableCount(c: ParsedPrefix): bigint {
  const n = prefixSize(c) - (c.family === 'ipv4' ? 2n : 1n);
  return n > 0n ? n : 0n;
}

/** Whether the written address is the network or broadcast address of its IPv4 prefix. */
export function isNetworkOrBroadcast(c: Cidr): boolean {
  if (c.family !== 'ipv4' || c.prefix > 30) return false;
  return !c.hostBitsSet || c.address === addressAt(c, prefixSize(c) - 1n);
}

/** ULA (fc00::/7). */
export function isUniqueLocal(c: ParsedPrefix): boolean {
  return c.family === 'ipv6' && addressValue(c.network).value >> 121n === 0x7en;
}
