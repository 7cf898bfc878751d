// age X25519 keys in their text forms: a recipient `age1…` (the public key, published in the
// config repo next to the router's WireGuard public key) and an identity `AGE-SECRET-KEY-1…` (the
// private key, born on the router by `dlan-agent init` and never leaving it).
import { bech32Decode, bech32Encode } from './bech32.ts';
import { x25519Public } from './age-primitives.ts';

export class AgeKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgeKeyError';
  }
}

export interface AgeIdentity {
  secret: Uint8Array;
  /** The matching `age1…` recipient. */
  recipient: string;
  publicKey: Uint8Array;
}

/** The shape of a recipient (bech32 of 32 bytes under `age`): what the schema allows. */
export const AGE_RECIPIENT_PATTERN = /^age1[02-9ac-hj-np-z]{58}$/;
/** An identity anywhere in a text (also used to refuse one in the config repo). */
export const AGE_IDENTITY_IN_TEXT = /AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}/;

export function formatRecipient(publicKey: Uint8Array): string {
  return bech32Encode('age', publicKey);
}

/** The 32-byte public key of a recipient; `null` when it is not a valid `age1…` X25519 recipient. */
export function parseRecipient(text: string): Uint8Array | null {
  if (!AGE_RECIPIENT_PATTERN.test(text)) return null;
  const d = bech32Decode(text);
  return d && d.hrp === 'age' && d.data.length === 32 ? d.data : null;
}

export function formatIdentity(secret: Uint8Array): string {
  return bech32Encode('age-secret-key-', secret).toUpperCase();
}

/** Parses `AGE-SECRET-KEY-1…`; throws (without echoing the key) when it is not one. */
export function parseIdentity(text: string): AgeIdentity {
  const d = bech32Decode(text.trim());
  if (!d || d.hrp !== 'age-secret-key-' || d.data.length !== 32) {
    throw new AgeKeyError('not an age X25519 identity (AGE-SECRET-KEY-1…)');
  }
  const publicKey = x25519Public(d.data);
  return { secret: d.data, publicKey, recipient: formatRecipient(publicKey) };
}

/**
 * The identity in a key file as `age-keygen` writes it: comment lines (`# public key: age1…`)
 * and one `AGE-SECRET-KEY-1…` line. Exactly one identity is expected.
 */
export function parseIdentityFile(text: string, what: string): AgeIdentity {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length !== 1) throw new AgeKeyError(`${what} must hold exactly one age identity (AGE-SECRET-KEY-1…), found ${lines.length} key lines`);
  try {
    return parseIdentity(lines[0]!);
  } catch {
    throw new AgeKeyError(`${what} does not hold an age X25519 identity (AGE-SECRET-KEY-1…)`);
  }
}

/** The key file for a new identity, in age-keygen's layout (readable by `age -d -i FILE`). */
export function identityFileText(secret: Uint8Array, createdIso: string): string {
  const id = parseIdentity(formatIdentity(secret));
  return `# created: ${createdIso}\n# public key: ${id.recipient}\n${formatIdentity(secret)}\n`;
}
