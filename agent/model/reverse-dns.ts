// Reverse DNS names: an address → its in-addr.arpa / ip6.arpa name, a prefix → the reverse zones
// that cover it. Reverse zones only exist on label boundaries (an octet in IPv4, a nibble in
// IPv6), so a prefix in between is covered by every zone of the next boundary down: a /23 is two
// /24 zones, a /26 is 64 one-address zones, a /62 is four /64 zones. That is at most 2^7 = 128
// zones for IPv4 and 2^3 = 8 for IPv6, whatever the prefix.
import { canonicalAddress, parsePrefix } from '../base/address-arithmetic.ts';

/** The digits of a reverse name, most significant first: 4 octets or 32 nibbles. */
interface ReverseDigits {
  digits: number[];
  bitsPerDigit: 8 | 4;
  suffix: 'in-addr.arpa' | 'ip6.arpa';
}

function ipv6Groups(text: string): number[] {
  // RFC 5952 text; an embedded IPv4 tail (::ffff:1.2.3.4) is rewritten as its two hex groups.
  const s = text.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a: string, b: string, c: string, d: string) =>
    `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`);
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const gap = s.indexOf('::');
  if (gap < 0) return parse(s);
  const left = parse(s.slice(0, gap));
  const right = parse(s.slice(gap + 2));
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function digitsOf(address: string): ReverseDigits {
  const text = canonicalAddress(address);
  if (!text.includes(':')) return { digits: text.split('.').map(Number), bitsPerDigit: 8, suffix: 'in-addr.arpa' };
  const nibbles = ipv6Groups(text).flatMap((g) => [(g >> 12) & 15, (g >> 8) & 15, (g >> 4) & 15, g & 15]);
  return { digits: nibbles, bitsPerDigit: 4, suffix: 'ip6.arpa' };
}

function nameOf(digits: number[], d: ReverseDigits): string {
  const label = (n: number) => (d.bitsPerDigit === 8 ? String(n) : n.toString(16));
  return [...digits].reverse().map(label).concat(d.suffix).join('.');
}

/** `10.2.0.5` → `5.0.2.10.in-addr.arpa`; an IPv6 address → its 32-nibble ip6.arpa name. */
export function reverseName(address: string): string {
  const d = digitsOf(address);
  return nameOf(d.digits, d);
}

/**
 * The reverse zones that together cover exactly the prefix `cidr`, in address order: one zone
 * when the prefix length is on a label boundary, else every zone of the next boundary down.
 */
export function reverseZones(cidr: string): string[] {
  const p = parsePrefix(cidr);
  const d = digitsOf(p.network);
  const labels = Math.ceil(p.prefix / d.bitsPerDigit);
  if (labels === 0) return [d.suffix];
  const free = labels * d.bitsPerDigit - p.prefix;
  const head = d.digits.slice(0, labels);
  const first = head[labels - 1]!;
  const zones: string[] = [];
  for (let i = 0; i < 1 << free; i++) zones.push(nameOf([...head.slice(0, -1), first + i], d));
  return zones;
}
