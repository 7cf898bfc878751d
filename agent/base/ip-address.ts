// Strict parsing and canonical formatting of IP address literals, as one value (a BigInt over the
// address bits) so that IPv4 and IPv6 share the arithmetic in address-arithmetic.ts. Written here
// instead of depending on ipaddr.js: the router bundle (QuickJS) has a size budget, and the mesh
// only needs literals — dotted-quad IPv4 without leading zeros, IPv6 without zone index.

export type Family = 'ipv4' | 'ipv6';

export interface IpValue {
  family: Family;
  /** The address bits (32 or 128 of them). */
  value: bigint;
}

const IPV4 = /^(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

export function familyBits(family: Family): number {
  return family === 'ipv4' ? 32 : 128;
}

function parseIpv4(text: string): bigint | null {
  const m = IPV4.exec(text);
  if (!m) return null;
  let v = 0n;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return null;
    v = (v << 8n) | BigInt(octet);
  }
  return v;
}

/** Hex groups of one side of `::` (may end in a dotted IPv4, which counts as two groups). */
function parseGroups(text: string, allowIpv4Tail: boolean): number[] | null {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (allowIpv4Tail && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === null) return null;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else if (HEX_GROUP.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return null;
    }
  }
  return groups;
}

function parseIpv6(text: string): bigint | null {
  if (text.length > 45) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  let groups: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0]!, false);
    const tail = parseGroups(halves[1]!, true);
    if (!head || !tail || head.length + tail.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseGroups(text, true);
    if (!all || all.length !== 8) return null;
    groups = all;
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

/** Parses a dotted-quad IPv4 or an IPv6 literal (no zone index); `null` when it is neither (or no string). */
export function parseIpValue(text: unknown, family?: Family): IpValue | null {
  if (typeof text !== 'string') return null;
  if (family !== 'ipv6') {
    const v4 = parseIpv4(text);
    if (v4 !== null) return { family: 'ipv4', value: v4 };
  }
  if (family !== 'ipv4' && text.includes(':')) {
    const v6 = parseIpv6(text);
    if (v6 !== null) return { family: 'ipv6', value: v6 };
  }
  return null;
}

/** Canonical text: dotted quad, or RFC 5952 for IPv6 (lower case, longest zero run as `::`). */
export function formatIpValue(ip: IpValue): string {
  if (ip.family === 'ipv4') {
    return [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(Number((ip.value >> s) & 0xffffn));
  // RFC 5952 §4.2: the longest run of two or more zero groups (the first one on a tie) becomes `::`.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** The address bytes, most significant first. */
export function ipValueBytes(ip: IpValue): number[] {
  const bytes: number[] = [];
  for (let i = familyBits(ip.family) / 8 - 1; i >= 0; i--) bytes.push(Number((ip.value >> BigInt(i * 8)) & 0xffn));
  return bytes;
}
