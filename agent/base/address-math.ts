// Strict, total parsing of the addresses and prefixes written in the config, on top of the mesh
// arithmetic (address-arithmetic.ts), so that validation accepts exactly what
// the model computes with: the same "N-th usable address", overlap and pool-size definitions.
import { hasNthUsable, parsePrefix, prefixSize, prefixesOverlap, type Family, type ParsedPrefix } from './address-arithmetic.ts';
import { formatIpValue, parseIpValue, type IpValue } from './ip-address.ts';

export type IpFamily = Family;
export type IpAddress = IpValue;

export interface Cidr extends ParsedPrefix {
  /** As written. */
  text: string;
  /** Whether the written address has host bits set (`10.2.0.1/24` rather than `10.2.0.0/24`). */
  hostBitsSet: boolean;
  /** The written address, canonical. */
  address: string;
}

/** Parses one IP address; `null` when it is not a strict IPv4 (dotted quad) or IPv6 literal (no zone). */
export function parseIp(text: unknown, family?: IpFamily): IpAddress | null {
  if (typeof text !== 'string') return null;
  return parseIpValue(text, family);
}

/** Parses `address/prefix`; `null` when malformed or not of `family`. */
export function parseCidr(text: unknown, family?: IpFamily): Cidr | null {
  if (typeof text !== 'string') return null;
  const slash = text.lastIndexOf('/');
  if (slash < 0 || !/^(0|[1-9][0-9]{0,2})$/.test(text.slice(slash + 1))) return null;
  const address = parseIp(text.slice(0, slash), family);
  if (!address) return null;
  const bits = address.family === 'ipv4' ? 32 : 128;
  if (Number(text.slice(slash + 1)) > bits) return null;
  const canonical = canonicalIp(address);
  const p = parsePrefix(`${canonical}/${text.slice(slash + 1)}`);
  return { ...p, text, address: canonical, hostBitsSet: canonical !== p.network };
}

export function canonicalIp(address: IpAddress): string {
  return formatIpValue(address);
}

/** `10.2.0.0/24` for `10.2.0.5/24`. */
export function networkText(c: Cidr): string {
  return `${c.network}/${c.prefix}`;
}

/** How many router ids / host parts the prefix holds (its usable addresses, see hasNthUsable). */
export function usableCount(c: ParsedPrefix): bigint {
  const size = prefixSize(c);
  const n = c.family === 'ipv4' ? size - 2n : size - 1n;
  return n > 0n ? n : 0n;
}

/** Whether host part / router id `n` has an address in the prefix. */
export function fitsPrefix(c: ParsedPrefix, n: number | bigint): boolean {
  return hasNthUsable(c, n);
}

export function cidrsOverlap(a: ParsedPrefix, b: ParsedPrefix): boolean {
  return prefixesOverlap(a, b);
}

/** Whether the written address is the network or broadcast address of its IPv4 prefix. */
export function isNetworkOrBroadcast(c: Cidr): boolean {
  if (c.family !== 'ipv4' || c.prefix > 30) return false;
  const network = parseIpValue(c.network, 'ipv4')!.value;
  const broadcast = formatIpValue({ family: 'ipv4', value: network | ((1n << BigInt(32 - c.prefix)) - 1n) });
  return !c.hostBitsSet || c.address === broadcast;
}

/** ULA (fc00::/7). */
export function isUniqueLocal(c: ParsedPrefix): boolean {
  return c.family === 'ipv6' && parseIpValue(c.network, 'ipv6')!.value >> 121n === 0x7en;
}

export { prefixSize };
