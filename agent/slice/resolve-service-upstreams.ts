// nginx (open source) resolves upstream names once, when it loads its config, and refuses to start
// when one does not resolve — which, in a mesh, is the normal state until OSPF has converged and
// the other router's DNS is reachable. So the agent resolves the names itself at render time and
// gives nginx addresses only: a changed answer changes the rendered file (hence a reload), and an
// unresolvable name is left out and reported instead of breaking every other service.
import { addressFamily, canonicalAddress } from '../base/address-arithmetic.ts';
import type { DesiredState, WireguardPeer } from './desired-state.ts';

/** Host names among the upstreams of a router's services, sorted, without duplicates. */
export function upstreamNames(state: DesiredState): string[] {
  const names = new Set<string>();
  for (const s of state.services) for (const u of s.upstreams) if (addressFamily(u.host) === null) names.add(u.host.toLowerCase());
  return [...names].sort();
}

const namedEndpoint = (p: WireguardPeer) => p.endpoint !== null && addressFamily(p.endpoint.host) === null;

/** The peers whose endpoint is a host name (not an address). */
export function namedEndpointPeers(state: DesiredState): WireguardPeer[] {
  return state.wireguard.peers.filter(namedEndpoint);
}

/**
 * WireGuard endpoints given as names, replaced by the address the plan resolved (an IPv4 one
 * when there is one). Resolved once, at plan time, like the upstreams: `wg` and OpenWrt's netifd
 * would otherwise resolve the name themselves, and a name that fails there fails the whole
 * interface (Linux: `wg set` exits non-zero, the apply throws and the GitOps cycle rolls back and
 * holds the commit; OpenWrt: netifd's proto script aborts the interface). An unresolved name
 * leaves the peer without an endpoint (allowed-ips and keepalive still set; it can still dial
 * us) and is retried by the next plan, which resolves again: an answer that appears changes
 * the render, a change with cause `dns`. `endpointName` keeps the name for the Linux reconciler.
 */
export function resolvePeerEndpoints(state: DesiredState, answers: Readonly<Record<string, readonly string[]>>): DesiredState {
  const peers = state.wireguard.peers.map((p) => {
    if (!namedEndpoint(p)) return p;
    // Answers are canonical and sorted (resolveNames), so the choice is stable.
    const addrs = answers[p.endpoint!.host.toLowerCase()] ?? [];
    const addr = addrs.find((a) => addressFamily(a) === 'ipv4') ?? addrs[0];
    return { ...p, endpointName: p.endpoint!.host, endpoint: addr === undefined ? null : { host: addr, port: p.endpoint!.port } };
  });
  return { ...state, wireguard: { ...state.wireguard, peers } };
}

/**
 * Replaces every upstream name by the addresses it resolved to (sorted, so the rendered file only
 * changes when the answer does). Names missing from `answers` (or with no address) are dropped and
 * listed in the service's `unresolvedUpstreams`.
 */
export function resolveServiceUpstreams(state: DesiredState, answers: Readonly<Record<string, readonly string[]>>): DesiredState {
  const services = state.services.map((s) => {
    const upstreams: { host: string; port: number }[] = [];
    const unresolved: string[] = [];
    const seen = new Set<string>();
    const add = (host: string, port: number) => {
      const key = `${host}|${port}`;
      if (!seen.has(key)) {
        seen.add(key);
        upstreams.push({ host, port });
      }
    };
    for (const u of s.upstreams) {
      if (addressFamily(u.host) !== null) {
        add(u.host, u.port);
        continue;
      }
      const addrs = (answers[u.host.toLowerCase()] ?? []).filter((a) => addressFamily(a) !== null).map(canonicalAddress);
      if (addrs.length === 0) unresolved.push(`${u.host}:${u.port}`);
      for (const a of [...new Set(addrs)].sort()) add(a, u.port);
    }
    return unresolved.length > 0 ? { ...s, upstreams, unresolvedUpstreams: unresolved } : { ...s, upstreams };
  });
  return { ...state, services };
}
