// The router's WireGuard key: `<root>/etc/dlan/wireguard.key` (0600), generated once by
// `dlan-agent keygen`/`init` with `wg genkey` (wireguard-tools, which both backends need anyway).
// A backend refuses to apply without it or when its public key is not the one the config
// publishes: the mesh would otherwise silently stop talking to this router. The public key is
// derived in pure TypeScript (X25519, RFC 7748), so the check needs no external program and runs
// the same under node and QuickJS. One implementation for both backends.
import type { Host } from '../../host/host.ts';
import { decodeBase64 } from '../../base/base64.ts';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 to bytes (the decoder the config validator uses for SSH keys). */
export function base64ToBytes(s: string): Uint8Array | null {
  const bytes = decodeBase64(s);
  return bytes === null ? null : Uint8Array.from(bytes);
}

export function bytesToBase64(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += i + 1 < b.length ? B64[(n >> 6) & 63]! : '=';
    out += i + 2 < b.length ? B64[n & 63]! : '=';
  }
  return out;
}

const P = (1n << 255n) - 19n;
const A24 = 121665n;

function mod(a: bigint): bigint {
  const r = a % P;
  return r < 0n ? r + P : r;
}

function powMod(b: bigint, e: bigint): bigint {
  let r = 1n;
  let x = mod(b);
  while (e > 0n) {
    if (e & 1n) r = mod(r * x);
    x = mod(x * x);
    e >>= 1n;
  }
  return r;
}

function leToBigint(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

function bigintToLe(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** X25519(k, 9): the public key of a Curve25519 private key (Montgomery ladder, RFC 7748 §5). */
export function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  const k = Uint8Array.from(privateKey);
  k[0]! &= 248;
  k[31]! &= 127;
  k[31]! |= 64;
  const scalar = leToBigint(k);
  const x1 = 9n;
  let x2 = 1n;
  let z2 = 0n;
  let x3 = x1;
  let z3 = 1n;
  let swap = 0n;
  for (let t = 254n; t >= 0n; t--) {
    const kt = (scalar >> t) & 1n;
    if ((swap ^ kt) === 1n) {
      [x2, x3] = [x3, x2];
      [z2, z3] = [z3, z2];
    }
    swap = kt;
    const a = mod(x2 + z2);
    const aa = mod(a * a);
    const b = mod(x2 - z2);
    const bb = mod(b * b);
    const e = mod(aa - bb);
    const c = mod(x3 + z3);
    const d = mod(x3 - z3);
    const da = mod(d * a);
    const cb = mod(c * b);
    x3 = mod((da + cb) ** 2n);
    z3 = mod(x1 * mod((da - cb) ** 2n));
    x2 = mod(aa * bb);
    z2 = mod(e * mod(aa + A24 * e));
  }
  if (swap === 1n) {
    [x2, x3] = [x3, x2];
    [z2, z3] = [z3, z2];
  }
  return bigintToLe(mod(x2 * powMod(z2, P - 2n)));
}

export class RouterKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouterKeyError';
  }
}

/** Parses a base64 WireGuard key (32 bytes); throws with `what` in the message otherwise. */
export function parseKey(text: string, what: string): Uint8Array {
  const bytes = base64ToBytes(text.trim());
  if (!bytes || bytes.length !== 32) throw new RouterKeyError(`${what} is not a WireGuard key (44 characters of base64)`);
  return bytes;
}

export function publicKeyOf(privateKeyBase64: string): string {
  return bytesToBase64(x25519PublicKey(parseKey(privateKeyBase64, 'the private key')));
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

/**
 * Reads the key and checks it against `expectedPublicKey` (the Linux backend's call); the key
 * itself never appears in errors.
 */
export async function readRouterKey(host: Host, keyPath: string, expectedPublicKey: string): Promise<string> {
  const key = await readRouterKeyFile(host, keyPath);
  if (key === null) throw new RouterKeyError(`no WireGuard key at ${keyPath}: create it with \`dlan-agent keygen\` (or \`init\`) and put its public key in the config`);
  const pub = publicKeyOf(key);
  if (pub !== expectedPublicKey) {
    throw new RouterKeyError(`the key in ${keyPath} has public key ${pub}, but the config says ${expectedPublicKey}: commit this router's public key (or restore its key file)`);
  }
  return key;
}

/** Reads the key and checks it against the config's public key; the message says how to fix it. */
export async function requireRouterKey(host: Host, paths: RouterKeyPaths, expectedPublicKey: string, router: string): Promise<string> {
  const key = await readRouterKeyFile(host, paths.key);
  if (key === null) {
    throw new RouterKeyError(`no WireGuard key at ${paths.key}: run \`dlan-agent keygen\` and put the printed public key into the config as routers.${router}.public_key`);
  }
  const pub = publicKeyOf(key);
  if (pub !== expectedPublicKey) {
    throw new RouterKeyError(
      `the key in ${paths.key} has public key ${pub}, but the config says routers.${router}.public_key is ${expectedPublicKey}: fix the config (or restore the right key file) before applying`,
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
