// The router's WireGuard key: `<root>/etc/dlan/wireguard.key` (0600), generated once by
// `dlan-agent keygen`/`init` with `wg genkey` (wireguard-tools, which both backends need anyway).
// A backend refuses to apply without it or when its public key is not the one the config
// publishes: the mesh would otherwise silently stop talking to this router. The public key is
// derived in pure TypeScript (X25519, RFC 7748), so the check needs no external program and runs
// the same under node and QuickJS. One implementation for both backends.
import type { Host } from '../../host/host.ts';
import { decodeBase64, encodeBase64 } from '../../base/base64.ts';
import { x25519Public } from '../../secrets/age-primitives.ts';

/** Standard base64 to bytes (the decoder the config validator uses for SSH keys). */
export function base64ToBytes(s: string): Uint8Array | null {
  return decodeBase64(s);
}

export function bytesToBase64(b: Uint8Array): string {
  return encodeBase64(b, true);
}

/** X25519(k, 9): the public key of a Curve25519 private key (RFC 7748), by age's audited X25519. */
export function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  return x25519Public(Uint8Array.from(privateKey));
}

export class RouterKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouterKeyError';
  }
}

/** Parses a base64 WireGuard key (32 bytes); throws with `what` in the message otherwise. */
export function parseKey(text: string, what: string): Uint8Array {
  const bytes = decodeBase64(text.trim());
  if (!bytes || bytes.length !== 32) throw new RouterKeyError(`${what} is not a WireGuard key (44 characters of base64)`);
  return bytes;
}

export function publicKeyOf(privateKeyBase64: string): string {
  // parseKey returns a fresh array: X25519's clamping may change it in place.
  return encodeBase64(x25519Public(parseKey(privateKeyBase64, 'the private key')), true);
}

/** Where a backend keeps the key: the key file and its folder (OpenWrt's StatePaths fits). */
export interface RouterKeyPaths {
  key: string;
  stateDir: string;
}

/** The private key, or `null` when the key file does not exist. */
export async function readRouterKeyFile(host: Host, keyPath: string): Promise<string | null> {
  const text = await host.files.read(keyPath);
  if (text === null) return null;
  parseKey(text, keyPath);
  return text.trim();
}

/** Reads the key and checks it against the config's public key; the message says how to fix it. */
export async function requireRouterKey(host: Host, keyPath: string, expectedPublicKey: string, router: string): Promise<string> {
  const key = await readRouterKeyFile(host, keyPath);
  if (key === null) {
    throw new RouterKeyError(`no WireGuard key at ${keyPath}: run \`dlan-agent keygen\` and put the printed public key into the config as routers.${router}.public_key`);
  }
  const pub = publicKeyOf(key);
  if (pub !== expectedPublicKey) {
    throw new RouterKeyError(
      `the key in ${keyPath} has public key ${pub}, but the config says routers.${router}.public_key is ${expectedPublicKey}: fix the config (or restore the right key file) before applying`,
    );
  }
  return key;
}

/** Creates the key file when absent (`wg genkey`); returns the public key and whether it was created. */
export async function ensureRouterKey(host: Host, paths: RouterKeyPaths): Promise<{ publicKey: string; created: boolean }> {
  const existing = await readRouterKeyFile(host, paths.key);
  if (existing !== null) return { publicKey: publicKeyOf(existing), created: false };
  const r = await host.exec('wg', ['genkey']);
  if (r.code === 127) throw new RouterKeyError('`wg` was not found: install wireguard-tools (it provides `wg genkey`)');
  if (r.code !== 0) throw new RouterKeyError(`wg genkey failed: ${r.stderr.trim()}`);
  const key = r.stdout.trim();
  parseKey(key, 'the output of wg genkey');
  await host.files.mkdirp(paths.stateDir, 0o700);
  await host.files.write(paths.key, `${key}\n`, { mode: 0o600 });
  return { publicKey: publicKeyOf(key), created: true };
}
