// Byte-level helpers. The double works on "byte strings" (one JS char per byte, i.e. latin1),
// because uci is C: byte offsets in parse errors, the cfg name hash and quoting all work on bytes,
// not on UTF-16 code units. Conversion happens only at the edges (argv, stdin, files, output).

export function utf8ToBytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

export function bytesToUtf8(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** C isspace() in the C locale. */
export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** C isalnum() in the C locale (ASCII only; bytes >= 0x80 are not alphanumeric). */
export function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

interface ScannedInteger {
  matched: boolean;
  negative: boolean;
  magnitude: bigint;
  /** true when only whitespace (or nothing) precedes the end of the input: sscanf's EOF case */
  inputEnded: boolean;
}

/** The shared prefix scanner of strtol/strtoul/sscanf("%d"): spaces, sign, decimal digits. */
function scanInteger(s: string): ScannedInteger {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  const inputEnded = i >= s.length;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') {
    negative = s[i] === '-';
    i++;
  }
  const start = i;
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  if (i === start) return { matched: false, negative, magnitude: 0n, inputEnded };
  return { matched: true, negative, magnitude: BigInt(s.slice(start, i)), inputEnded };
}

const LONG_MAX = (1n << 63n) - 1n;
const ULONG_MAX = (1n << 64n) - 1n;

/**
 * strtol(s, &end, 10) assigned to an int, plus whether the whole string was consumed
 * (uci's @type[idx] parser rejects trailing garbage).
 */
export function strtolToInt(s: string): { value: number; rest: boolean } {
  const scan = scanInteger(s);
  if (!scan.matched) return { value: 0, rest: s.length > 0 };
  let v = scan.negative ? -scan.magnitude : scan.magnitude;
  if (v > LONG_MAX) v = LONG_MAX;
  if (v < -LONG_MAX - 1n) v = -LONG_MAX - 1n;
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  if (s[i] === '+' || s[i] === '-') i++;
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  return { value: Number(BigInt.asIntN(32, v)), rest: i < s.length };
}

/** strtoul(s, NULL, 10) passed on as a C int (reorder positions): "-1" becomes -1. */
export function strtoulToInt(s: string): number {
  const scan = scanInteger(s);
  if (!scan.matched) return 0;
  let v = scan.magnitude > ULONG_MAX ? ULONG_MAX : scan.magnitude;
  if (scan.negative && scan.magnitude <= ULONG_MAX) v = (ULONG_MAX + 1n - v) & ULONG_MAX;
  return Number(BigInt.asIntN(32, v));
}

/** sscanf(s, "%d", &n): 'eof' when the input ends before a conversion, 'nomatch' for garbage. */
export function sscanfInt(s: string): { kind: 'ok'; value: number } | { kind: 'nomatch' } | { kind: 'eof' } {
  const scan = scanInteger(s);
  if (!scan.matched) return scan.inputEnded ? { kind: 'eof' } : { kind: 'nomatch' };
  let v = scan.negative ? -scan.magnitude : scan.magnitude;
  if (v > LONG_MAX) v = LONG_MAX;
  if (v < -LONG_MAX - 1n) v = -LONG_MAX - 1n;
  return { kind: 'ok', value: Number(BigInt.asIntN(32, v)) };
}
