// Recognises secrets written where they must never be: in free text (an SSH key comment) and in
// YAML comments. The config repo is readable by every router and reviewer; a leaked WireGuard
// private key or password there compromises the whole mesh.

/** A 32-byte key in base64, the shape of every WireGuard private, public and preshared key. */
const WG_KEY = /(^|[^A-Za-z0-9+/])[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=(?![A-Za-z0-9+/=])/;
const SECRET_WORD = /(private|secret|passw(or)?d|psk|preshared)/i;
const ASSIGNED = /(private[ _-]?key|secret|passw(or)?d|passphrase|psk|preshared[ _-]?key|api[ _-]?key|token)\s*[:=]\s*(\S+)/i;
const PEM_PRIVATE = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const WG_CONF_SECRET = /\b(PrivateKey|PresharedKey)\s*=/;
/** An age identity (the private half of an `age1…` recipient), in any context. */
const AGE_IDENTITY = /AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}/i;
/** An OpenSSH/PGP private key block, which PEM_PRIVATE does not name. */
const OTHER_PRIVATE_BLOCK = /-----BEGIN (OPENSSH|PGP) PRIVATE KEY( BLOCK)?-----/;

/** `password: hunter2` but not `private key: stays on the router` (a secret has digits or symbols). */
function assignedSecret(text: string): boolean {
  const m = ASSIGNED.exec(text);
  const value = m?.[3];
  return value !== undefined && value.length >= 6 && /[A-Za-z]/.test(value) && /[^A-Za-z.,;:!?)]/.test(value);
}

/** Why `text` (a value meant as free text) looks like it holds a secret; `null` if it does not. */
export function secretInFreeText(text: string): string | null {
  if (PEM_PRIVATE.test(text)) return 'holds a private key';
  if (WG_KEY.test(text)) return 'holds what looks like a WireGuard key (44 base64 characters)';
  if (assignedSecret(text)) return 'looks like it holds a secret (a password, key or token)';
  return null;
}

/** Why a YAML comment looks like it holds a secret; `null` if it does not. */
export function secretInComment(comment: string): string | null {
  if (WG_CONF_SECRET.test(comment)) return 'holds a WireGuard private or preshared key (`PrivateKey =`/`PresharedKey =`)';
  if (WG_KEY.test(comment) && SECRET_WORD.test(comment)) return 'holds what looks like a WireGuard private or preshared key';
  if (assignedSecret(comment)) return 'looks like it holds a secret (a password, key or token)';
  return null;
}

/** Why a whole line (value or comment) holds a secret whatever its context (a PEM private key). */
export function secretInLine(line: string): string | null {
  if (PEM_PRIVATE.test(line) || OTHER_PRIVATE_BLOCK.test(line)) return 'holds a private key (`-----BEGIN ... PRIVATE KEY-----`)';
  if (AGE_IDENTITY.test(line)) return 'holds an age identity (`AGE-SECRET-KEY-1…`), the private key that opens sealed secrets: it stays on its router';
  if (WG_CONF_SECRET.test(line)) return 'holds a WireGuard private or preshared key (`PrivateKey =`/`PresharedKey =`)';
  return null;
}
