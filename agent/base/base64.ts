// Standard base64 (RFC 4648) both ways, without Buffer or atob: the same code runs under node and
// QuickJS. Padded (the default: SSH keys, WireGuard keys, age armor) or raw (age headers). Strict
// decoding: a non-canonical encoding is refused, as age does, so two texts never decode the same.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function encodeBase64(bytes: Uint8Array, padded: boolean): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const left = bytes.length - i;
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
    out += left > 1 ? ALPHABET[(n >> 6) & 63]! : padded ? '=' : '';
    out += left > 2 ? ALPHABET[n & 63]! : padded ? '=' : '';
  }
  return out;
}

/** Decodes base64 (padded or not, as `padded` says); `null` when malformed or non-canonical. */
export function decodeBase64(text: string, padded = true): Uint8Array | null {
  let body = text;
  if (padded) {
    if (text.length % 4 !== 0) return null;
    body = text.replace(/={1,2}$/, '');
  } else if (text.length % 4 === 1) return null;
  if (!/^[A-Za-z0-9+/]*$/.test(body)) return null;
  const out = new Uint8Array(Math.floor((body.length * 6) / 8));
  let acc = 0;
  let bits = 0;
  let at = 0;
  for (let i = 0; i < body.length; i++) {
    acc = (acc << 6) | ALPHABET.indexOf(body[i]!);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (acc >> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  }
  // Leftover bits must be zero: otherwise two texts would decode to the same bytes.
  if (acc !== 0) return null;
  return out;
}
