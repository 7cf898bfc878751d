// After an apply: is the router still fine? Within confirm_timeout it must reach the config
// repo's remote again, and the WireGuard peers and OSPF neighbours it had before the apply (and
// that the new state still has) must come back. Checked every couple of seconds until all pass
// or the deadline is reached.
import type { GitClient } from '../../host/git-client.ts';
import type { Host } from '../../host/host.ts';
import type { AgentSettings } from '../../settings/agent-settings.ts';
import type { DesiredState } from '../../slice/desired-state.ts';
import { probeOspf } from './probe-bird.ts';
import { probeWireguard } from './probe-wireguard.ts';

/** A handshake younger than this counts as a live peer (WireGuard rekeys every 2 minutes). */
export const HANDSHAKE_FRESH_SECONDS = 180;

export interface HealthBaseline {
  /** Public keys of peers with a fresh handshake before the apply. */
  peers: string[];
  /** `interface routerId` of OSPF neighbours in state Full before the apply. */
  neighbors: string[];
}

export async function takeBaseline(host: Host, settings: AgentSettings, wgInterface: string): Promise<HealthBaseline> {
  const nowS = host.now() / 1000;
  const [wg, ospf] = await Promise.all([probeWireguard(host, wgInterface, 3000), probeOspf(host, settings.birdSocket, 3000)]);
  return {
    peers: wg.available ? wg.value.filter((p) => p.latestHandshake !== null && nowS - p.latestHandshake < HANDSHAKE_FRESH_SECONDS).map((p) => p.publicKey) : [],
    neighbors: ospf.available ? ospf.value.filter((n) => n.state.startsWith('Full')).map((n) => `${n.interface} ${n.routerId}`) : [],
  };
}

/** Drops what the new state removed on purpose: a deleted link is not a failure. */
export function expectedAfter(baseline: HealthBaseline, state: DesiredState): HealthBaseline {
  const keys = new Set(state.wireguard.peers.map((p) => p.publicKey));
  const ifaces = new Set(state.ospf.ptpInterfaces.map((i) => i.interface));
  return {
    peers: baseline.peers.filter((k) => keys.has(k)),
    neighbors: baseline.neighbors.filter((n) => ifaces.has(n.split(' ')[0]!)),
  };
}

async function checkOnce(host: Host, git: GitClient, settings: AgentSettings, expected: HealthBaseline, wgInterface: string, remainingMs: number): Promise<string[]> {
  const problems: string[] = [];
  const timeoutMs = Math.max(1000, Math.min(10_000, remainingMs));
  const remote = git.remoteHead(settings.repo, settings.branch, { timeoutMs }).then(
    () => null,
    (e: unknown) => `the config repo is unreachable (${e instanceof Error ? e.message : String(e)})`,
  );
  const wg = expected.peers.length ? probeWireguard(host, wgInterface, 3000) : null;
  const ospf = expected.neighbors.length ? probeOspf(host, settings.birdSocket, 3000) : null;
  const remoteProblem = await remote;
  if (remoteProblem) problems.push(remoteProblem);
  if (wg) {
    const r = await wg;
    const nowS = host.now() / 1000;
    if (!r.available) problems.push(`wireguard: ${r.reason}`);
    else {
      const fresh = new Set(r.value.filter((p) => p.latestHandshake !== null && nowS - p.latestHandshake < HANDSHAKE_FRESH_SECONDS).map((p) => p.publicKey));
      const missing = expected.peers.filter((k) => !fresh.has(k));
      if (missing.length) problems.push(`${missing.length} WireGuard peer(s) without a handshake`);
    }
  }
  if (ospf) {
    const r = await ospf;
    if (!r.available) problems.push(`ospf: ${r.reason}`);
    else {
      const full = new Set(r.value.filter((n) => n.state.startsWith('Full')).map((n) => `${n.interface} ${n.routerId}`));
      const missing = expected.neighbors.filter((n) => !full.has(n));
      if (missing.length) problems.push(`OSPF neighbour(s) not Full: ${missing.join(', ')}`);
    }
  }
  return problems;
}

export type ConfirmResult = { ok: true; afterMs: number } | { ok: false; problems: string[] };

export async function confirmHealthy(
  host: Host,
  git: GitClient,
  settings: AgentSettings,
  expected: HealthBaseline,
  wgInterface: string,
  deadline: number,
  pollMs = 2000,
): Promise<ConfirmResult> {
  const start = host.now();
  let problems: string[] = ['not checked'];
  while (host.now() < deadline) {
    problems = await checkOnce(host, git, settings, expected, wgInterface, deadline - host.now());
    if (problems.length === 0) return { ok: true, afterMs: host.now() - start };
    const wait = Math.min(pollMs, deadline - host.now());
    if (wait > 0) await host.sleep(wait);
  }
  return { ok: false, problems };
}
