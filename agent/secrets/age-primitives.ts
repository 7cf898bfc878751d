// The cryptographic primitives of age v1's X25519 recipient type, all from the audited @noble
// packages: X25519 (RFC 7748), ChaCha20-Poly1305 (RFC 8439), HKDF/HMAC with SHA-256. Only the
// pieces age needs are imported, so the QuickJS bundle carries no more than that (see SECURITY.md
// for the measured size). Nothing here draws randomness: callers pass the random bytes in.
import { montgomery } from '@noble/curves/abstract/montgomery.js';
import { pow } from '@noble/curves/abstract/modular.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

const P = 2n ** 255n - 19n;

/** Curve25519 in Montgomery form, as `@noble/curves/ed25519.js` defines x25519, without the
 * Edwards-curve code that module also carries (fixed-base speed-up only; same results). */
const x25519 = montgomery({
  P,
  type: 'x25519',
  powPminus2: (x: bigint) => pow(x, P - 2n, P),
  adjustScalarBytes: (bytes: Uint8Array) => {
    bytes[0]! &= 248;
    bytes[31]! &= 127;
    bytes[31]! |= 64;
    return bytes;
  },
});

/** X25519(scalar, 9). */
export function x25519Public(secret: Uint8Array): Uint8Array {
  return x25519.getPublicKey(secret);
}

/** X25519(scalar, u); throws on a low-order point (an all-zero shared secret). */
export function x25519Shared(secret: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return x25519.getSharedSecret(secret, publicKey);
}

export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: string, length: number): Uint8Array {
  return hkdf(sha256, ikm, salt, ascii(info), length);
}

export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(sha256, key, message);
}

export function sealChaCha(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return chacha20poly1305(key, nonce).encrypt(plaintext);
}

/** Decrypts and authenticates; `null` when the tag does not match (wrong key or altered data). */
export function openChaCha(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
  try {
    return chacha20poly1305(key, nonce).decrypt(ciphertext);
  } catch {
    return null;
  }
}

/** Constant-time comparison of two MACs. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** ASCII text to bytes (age's header is ASCII; QuickJS has no TextEncoder). */
export function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) throw new Error('age: non-ASCII text in a header');
    out[i] = c;
  }
  return out;
}

export function fromAscii(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return s;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
