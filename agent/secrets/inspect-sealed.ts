// What can be checked about a sealed secret without opening it (validation runs without any
// identity): it is an armored age v1 file, with one X25519 stanza per router it was sealed for,
// and a payload the size of one 32-byte key. The recipients themselves are not visible in an
// age file; the `recipients` map next to it says who it was sealed for.
import { AgeFormatError, dearmor, parseAgeFile } from './age-file.ts';

/** Bytes of a payload holding `n` plaintext bytes in one chunk: nonce, ciphertext, tag. */
export function sealedPayloadSize(n: number): number {
  return 16 + n + 16;
}

/** Why `armored` is not a sealed `keyBytes`-byte secret for `recipients` routers; `null` when it is. */
export function sealedSecretProblem(armored: string, recipients: number, keyBytes = 32): string | null {
  let file;
  try {
    file = parseAgeFile(dearmor(armored));
  } catch (e) {
    if (e instanceof AgeFormatError) return `is not a sealed age file: ${e.message}`;
    throw e;
  }
  const x25519 = file.stanzas.filter((s) => s.type === 'X25519').length;
  if (x25519 !== file.stanzas.length) return 'holds recipient stanzas of a type other than X25519: dlan routers open only X25519';
  if (x25519 !== recipients) return `holds ${x25519} recipient stanza${x25519 === 1 ? '' : 's'} but names ${recipients} recipients: seal it again with \`dlan-agent seal\``;
  if (file.payload.length !== sealedPayloadSize(keyBytes)) return `does not hold a ${keyBytes}-byte key: seal it again with \`dlan-agent seal\``;
  return null;
}
