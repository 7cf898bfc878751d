// Opens an age v1 file with X25519 identities (the router side). Every failure is an AgeOpenError
// saying why, never the key or the plaintext.
import { AgeFormatError, dearmor, isArmored, parseAgeFile, type Stanza } from './age-file.ts';
import type { AgeIdentity } from './age-keys.ts';
import { concatBytes, equalBytes, hkdfSha256, hmacSha256, openChaCha, x25519Shared } from './age-primitives.ts';
import { decodeBase64 } from '../base/base64.ts';

export class AgeOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgeOpenError';
  }
}

export const X25519_LABEL = 'age-encryption.org/v1/X25519';
export const CHUNK_SIZE = 64 * 1024;
const ZERO_NONCE = new Uint8Array(12);

/** The file key from an X25519 stanza, or `null` when it was not made for this identity. */
export function unwrapX25519(stanza: Stanza, id: AgeIdentity): Uint8Array | null {
  if (stanza.args.length !== 1) throw new AgeOpenError('malformed X25519 stanza');
  const share = decodeBase64(stanza.args[0]!, false);
  if (!share || share.length !== 32 || stanza.body.length !== 32) throw new AgeOpenError('malformed X25519 stanza');
  let shared: Uint8Array;
  try {
    shared = x25519Shared(id.secret, share);
  } catch {
    throw new AgeOpenError('X25519 stanza with a low-order share');
  }
  const wrapKey = hkdfSha256(shared, concatBytes(share, id.publicKey), X25519_LABEL, 32);
  return openChaCha(wrapKey, ZERO_NONCE, stanza.body);
}

/** STREAM nonce: 11-byte big-endian chunk counter, then 1 for the last chunk. */
export function streamNonce(counter: number, last: boolean): Uint8Array {
  const n = new Uint8Array(12);
  let c = counter;
  for (let i = 10; i >= 0 && c > 0; i--) {
    n[i] = c % 256;
    c = Math.floor(c / 256);
  }
  n[11] = last ? 1 : 0;
  return n;
}

function decryptPayload(fileKey: Uint8Array, payload: Uint8Array): Uint8Array {
  if (payload.length < 16) throw new AgeOpenError('truncated payload');
  const key = hkdfSha256(fileKey, payload.subarray(0, 16), 'payload', 32);
  const body = payload.subarray(16);
  const sealedChunk = CHUNK_SIZE + 16;
  const out: Uint8Array[] = [];
  for (let i = 0, at = 0; ; i++) {
    const last = body.length - at <= sealedChunk;
    const chunk = body.subarray(at, last ? body.length : at + sealedChunk);
    if (chunk.length < 16) throw new AgeOpenError('truncated payload');
    const plain = openChaCha(key, streamNonce(i, last), chunk);
    if (plain === null) throw new AgeOpenError('the payload does not authenticate (altered or truncated)');
    if (last && plain.length === 0 && i > 0) throw new AgeOpenError('empty last chunk');
    out.push(plain);
    if (last) return concatBytes(...out);
    at += sealedChunk;
  }
}

/** Decrypts an armored (text) or binary age file with the first identity that opens a stanza. */
export function decryptAge(file: string | Uint8Array, identities: AgeIdentity[]): Uint8Array {
  let parsed;
  try {
    const bytes = typeof file === 'string' ? (isArmored(file) ? dearmor(file) : binaryFromText(file)) : file;
    parsed = parseAgeFile(bytes);
  } catch (e) {
    if (e instanceof AgeFormatError) throw new AgeOpenError(`not a valid age file: ${e.message}`);
    throw e;
  }
  let fileKey: Uint8Array | null = null;
  for (const stanza of parsed.stanzas) {
    if (stanza.type !== 'X25519') continue;
    for (const id of identities) {
      fileKey = unwrapX25519(stanza, id);
      if (fileKey) break;
    }
    if (fileKey) break;
  }
  if (!fileKey) throw new AgeOpenError('it was not sealed for this identity (no recipient stanza opens with it)');
  if (fileKey.length !== 16) throw new AgeOpenError('malformed file key');
  const mac = hmacSha256(hkdfSha256(fileKey, new Uint8Array(0), 'header', 32), parsed.macInput);
  if (!equalBytes(mac, parsed.mac)) throw new AgeOpenError('the header MAC does not match (the file was altered)');
  return decryptPayload(fileKey, parsed.payload);
}

function binaryFromText(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new AgeFormatError('binary age file given as text with non-byte characters');
    out[i] = c;
  }
  return out;
}

