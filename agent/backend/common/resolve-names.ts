// Resolves host names through the router's own resolver (its dnsmasq, which knows the mesh's
// domains), with the tools each platform has: `getent ahosts` (glibc: Debian) and busybox
// `nslookup` (OpenWrt). Runs through Host.exec only, so it works under node and QuickJS alike.
import type { Host } from '../../host/host.ts';
import { addressFamily, canonicalAddress } from '../../base/address-arithmetic.ts';
import type { DesiredState } from '../../slice/desired-state.ts';
import { namedEndpointPeers, upstreamNames } from '../../slice/resolve-service-upstreams.ts';

const TIMEOUT_MS = 3000;

/** `getent ahosts` prints `ADDRESS  STREAM|DGRAM|RAW  [name]` lines. */
export function parseGetentAhosts(stdout: string): string[] {
  const out = new Set<string>();
  for (const line of stdout.split('\n')) {
    const addr = line.trim().split(/\s+/)[0] ?? '';
    if (addressFamily(addr) !== null) out.add(canonicalAddress(addr));
  }
  return [...out].sort();
}

/** busybox/bind `nslookup`: the answers are the `Address` lines after the first `Name:` line. */
export function parseNslookup(stdout: string): string[] {
  const out = new Set<string>();
  let inAnswer = false;
  for (const line of stdout.split('\n')) {
    if (/^Name:/.test(line)) inAnswer = true;
    const m = /^Address(?:\s+\d+)?:\s*(\S+)/.exec(line);
    if (inAnswer && m) {
      const addr = m[1]!.replace(/#\d+$/, '');
      if (addressFamily(addr) !== null) out.add(canonicalAddress(addr));
    }
  }
  return [...out].sort();
}

/** Addresses of each name (an empty list when it does not resolve), all names at once. */
export async function resolveNames(host: Host, names: readonly string[], opts: { timeoutMs?: number } = {}): Promise<Record<string, string[]>> {
  const timeoutMs = opts.timeoutMs ?? TIMEOUT_MS;
  const answers = await Promise.all(
    names.map(async (name): Promise<[string, string[]]> => {
      // Names come from the config: the schema restricts them to DNS labels, and a leading '-'
      // could never be read as an option anyway because of the `--`.
      const getent = await host.exec('getent', ['ahosts', '--', name], { timeoutMs });
      if (getent.code !== 127) return [name, getent.code === 0 ? parseGetentAhosts(getent.stdout) : []];
      const ns = await host.exec('nslookup', [name], { timeoutMs });
      return [name, ns.code === 0 ? parseNslookup(ns.stdout) : []];
    }),
  );
  return Object.fromEntries(answers);
}

/**
 * What a plan renders with: the answers for the service upstream names and the WireGuard endpoint
 * names (null when there are none). An endpoint name that does not answer now is warned about,
 * naming the peer; it keeps the address of the last apply (`last`) when there was one, so a DNS
 * outage never takes a working endpoint away; without one the peer goes without an endpoint
 * until a later plan resolves it.
 */
export async function resolvePlanNames(host: Host, state: DesiredState, last: Record<string, string[]> | undefined): Promise<Record<string, string[]> | null> {
  const peers = namedEndpointPeers(state);
  const names = [...new Set([...upstreamNames(state), ...peers.map((p) => p.endpoint!.host.toLowerCase())])];
  if (names.length === 0) return null;
  const answers = await resolveNames(host, names);
  for (const p of peers) {
    const name = p.endpoint!.host.toLowerCase();
    if (answers[name]!.length > 0) continue;
    const kept = last?.[name] ?? [];
    if (kept.length > 0) answers[name] = kept;
    host.log.log('warn', `WireGuard peer ${p.router}: endpoint ${name} does not resolve; ${kept.length ? `keeping its last answer (${kept.join(' ')})` : 'configured without an endpoint'} until it does`);
  }
  return answers;
}
