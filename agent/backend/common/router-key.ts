// The router's WireGuard private key (<root>/etc/dlan/wireguard.key, created by keygen/init). A
// backend refuses to apply without it or when its public key is not the one the config publishes:
// the mesh would otherwise silently stop talking to this router.
import type { Host } from '../../host/host.ts';

export class RouterKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouterKeyError';
  }
}

/** Reads the key and checks it against `expectedPublicKey`; the key itself never appears in errors. */
export async function readRouterKey(host: Host, keyPath: string, expectedPublicKey: string): Promise<string> {
  const text = await host.files.read(keyPath);
  if (text === null) throw new RouterKeyError(`no WireGuard key at ${keyPath}: create it with \`dlan-agent keygen\` (or \`init\`) and put its public key in the config`);
  const key = text.trim();
  if (!/^[A-Za-z0-9+/]{43}=$/.test(key)) throw new RouterKeyError(`${keyPath} does not hold a WireGuard private key (44 base64 characters)`);
  const r = await host.exec('wg', ['pubkey'], { input: `${key}\n`, timeoutMs: 10000 });
  if (r.code !== 0) throw new RouterKeyError(`\`wg pubkey\` failed (${r.code}): ${r.stderr.trim() || 'is wireguard-tools installed?'}`);
  const pub = r.stdout.trim();
  if (pub !== expectedPublicKey) {
    throw new RouterKeyError(`the key in ${keyPath} has public key ${pub}, but the config says ${expectedPublicKey}: commit this router's public key (or restore its key file)`);
  }
  return key;
}
