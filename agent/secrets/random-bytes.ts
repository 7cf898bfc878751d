// Randomness for sealing (file keys, ephemeral X25519 keys, preshared keys) and for a router's
// new age identity. Node has a CSPRNG in `crypto.getRandomValues`; QuickJS has none, so there the
// bytes come through the Host from `wg genpsk` (32 bytes from the kernel's getrandom, base64):
// wireguard-tools is on every dlan router anyway, and no shell or binary pipe is needed.
import type { Host } from '../host/host.ts';
import type { RandomBytes } from './age-encrypt.ts';
import { decodeBase64 } from '../base/base64.ts';

interface WebCryptoLike {
  getRandomValues(a: Uint8Array): Uint8Array;
}

export function randomBytesFrom(host: Host): RandomBytes {
  const webCrypto = (globalThis as { crypto?: WebCryptoLike }).crypto;
  if (webCrypto && typeof webCrypto.getRandomValues === 'function') {
    return async (n) => webCrypto.getRandomValues(new Uint8Array(n));
  }
  return async (n) => {
    const out = new Uint8Array(n);
    for (let at = 0; at < n; at += 32) {
      const r = await host.exec('wg', ['genpsk'], { timeoutMs: 10000 });
      const bytes = r.code === 0 ? decodeBase64(r.stdout.trim(), true) : null;
      if (!bytes || bytes.length !== 32) {
        throw new Error(r.code === 127 ? 'no random source: this runtime has no crypto.getRandomValues and `wg` (wireguard-tools) is not installed' : `\`wg genpsk\` failed (${r.code}): ${r.stderr.trim()}`);
      }
      out.set(bytes.subarray(0, Math.min(32, n - at)), at);
    }
    return out;
  };
}
