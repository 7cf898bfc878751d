// Which WireGuard peers `status` names and which of them must have a fresh handshake. Link peers
// must: a silent link is a problem. Roaming clients (a laptop, a phone) come and go, so they are
// named but their handshakes never make the router degraded.
import type { DesiredState } from '../../slice/desired-state.ts';
import { HANDSHAKE_FRESH_SECONDS } from './confirm-checks.ts';

/** Peer public key → router name (links) or client name (roaming clients). */
export function peerNamesOf(desired: DesiredState | null): Map<string, string> {
  return new Map([
    ...(desired?.wireguard.peers ?? []).map((p) => [p.publicKey, p.router] as const),
    ...(desired?.wireguard.clients ?? []).map((c) => [c.publicKey, c.client] as const),
  ]);
}

/** One problem per peer (not a roaming client) without a handshake in the last HANDSHAKE_FRESH_SECONDS. */
export function stalePeerProblems(desired: DesiredState | null, peers: { publicKey: string; router: string | null; latestHandshakeAgeSeconds: number | null }[]): string[] {
  const clients = new Set((desired?.wireguard.clients ?? []).map((c) => c.publicKey));
  return peers
    .filter((p) => !clients.has(p.publicKey))
    .filter((p) => p.latestHandshakeAgeSeconds === null || p.latestHandshakeAgeSeconds > HANDSHAKE_FRESH_SECONDS)
    .map((p) => `peer ${p.router ?? p.publicKey.slice(0, 8)}: no recent handshake`);
}
