// Seals data for age X25519 recipients (the admin side: `dlan-agent seal`). Randomness comes
// from the caller (RandomBytes): node's CSPRNG, or on QuickJS the host (see random-bytes.ts).
import { armor, formatAgeFile, headerMacInput, type Stanza } from './age-file.ts';
import { CHUNK_SIZE, streamNonce, X25519_LABEL } from './age-decrypt.ts';
import { concatBytes, hkdfSha256, hmacSha256, sealChaCha, x25519Public, x25519Shared } from './age-primitives.ts';
import { encodeBase64 } from '../base/base64.ts';

export type RandomBytes = (n: number) => Promise<Uint8Array>;

function wrapX25519(fileKey: Uint8Array, recipient: Uint8Array, ephemeral: Uint8Array): Stanza {
  const share = x25519Public(ephemeral);
  const shared = x25519Shared(ephemeral, recipient);
  const wrapKey = hkdfSha256(shared, concatBytes(share, recipient), X25519_LABEL, 32);
  return { type: 'X25519', args: [encodeBase64(share, false)], body: sealChaCha(wrapKey, new Uint8Array(12), fileKey) };
}

/** A binary age v1 file of `plaintext` that each recipient (32-byte X25519 public key) can open. */
export async function encryptAge(plaintext: Uint8Array, recipients: Uint8Array[], random: RandomBytes): Promise<Uint8Array> {
  if (recipients.length === 0) throw new Error('age: no recipient');
  const fileKey = await random(16);
  const stanzas: Stanza[] = [];
  for (const r of recipients) stanzas.push(wrapX25519(fileKey, r, await random(32)));
  const mac = hmacSha256(hkdfSha256(fileKey, new Uint8Array(0), 'header', 32), headerMacInput(stanzas));
  const nonce = await random(16);
  const key = hkdfSha256(fileKey, nonce, 'payload', 32);
  const chunks: Uint8Array[] = [nonce];
  const count = Math.max(1, Math.ceil(plaintext.length / CHUNK_SIZE));
  for (let i = 0; i < count; i++) {
    const last = i === count - 1;
    chunks.push(sealChaCha(key, streamNonce(i, last), plaintext.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE)));
  }
  return formatAgeFile(stanzas, mac, concatBytes(...chunks));
}

export async function encryptAgeArmored(plaintext: Uint8Array, recipients: Uint8Array[], random: RandomBytes): Promise<string> {
  return armor(await encryptAge(plaintext, recipients, random));
}
