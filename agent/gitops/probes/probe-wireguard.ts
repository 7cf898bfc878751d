// WireGuard peers from `wg show <if> dump`. Its first line carries the interface's PRIVATE key:
// it is dropped here, before anything else sees the output.
import type { Host } from '../../host/host.ts';

export interface WireguardPeerStatus {
  publicKey: string;
  endpoint: string | null;
  allowedIps: string[];
  /** Unix seconds of the latest handshake; null = never. */
  latestHandshake: number | null;
  rxBytes: number;
  txBytes: number;
  persistentKeepalive: number | null;
}

export type Probe<T> = { available: true; value: T } | { available: false; reason: string };

export function parseWgDump(text: string): WireguardPeerStatus[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  // Line 1: private-key public-key listen-port fwmark (discarded). Then one line per peer:
  // public-key preshared-key endpoint allowed-ips latest-handshake rx tx keepalive.
  return lines.slice(1).flatMap((line) => {
    const f = line.split('\t');
    if (f.length < 8) return [];
    const hs = Number(f[4]);
    return [
      {
        publicKey: f[0]!,
        endpoint: f[2] === '(none)' ? null : f[2]!,
        allowedIps: f[3] === '(none)' ? [] : f[3]!.split(','),
        latestHandshake: hs > 0 ? hs : null,
        rxBytes: Number(f[5]) || 0,
        txBytes: Number(f[6]) || 0,
        persistentKeepalive: f[7] === 'off' ? null : Number(f[7]) || null,
      },
    ];
  });
}

export async function probeWireguard(host: Host, iface: string, timeoutMs: number): Promise<Probe<WireguardPeerStatus[]>> {
  const r = await host.exec('wg', ['show', iface, 'dump'], { timeoutMs });
  if (r.code !== 0) {
    return { available: false, reason: r.code === 124 ? 'wg timed out' : r.code === 127 ? 'wg not installed' : (r.stderr.trim().split('\n')[0] ?? `wg exited ${r.code}`) };
  }
  return { available: true, value: parseWgDump(r.stdout) };
}
