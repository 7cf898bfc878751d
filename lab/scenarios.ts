// Multi-step lab scenarios shared by the end-to-end test and the benchmarks: pushing a config
// change and waiting until every router runs it, BFD sessions, WAN cut with outage measurement.
import type { Document } from 'yaml';
import { commitConfig } from './config-repo.ts';
import { LAB_INTERVAL_S, deployMode, redeployAll } from './deploy.ts';
import { measureOutage, ospfNotConverged, routeDevices, serverAddresses, setWan } from './probes.ts';
import { agent, birdc } from './router-cli.ts';
import { waitFor } from './run.ts';
import { ROUTERS, SERVERS, routerByName } from './topology.ts';

/** Whether `dlan-agent status` on the router names the commit. */
function runsCommit(routerName: string, commit: string): boolean {
  const r = routerByName(routerName);
  const out = agent(r, ['status', '--root', r.root], 30_000);
  return out.code === 0 && out.stdout.includes(commit.slice(0, 7));
}

/**
 * Commits a change and waits until every router runs it: in gitops mode by the agents alone
 * (bounded by interval + 15 s), in apply mode by the lab applying on every router.
 * Returns the commit and how long it took.
 */
export async function pushChange(message: string, edit: (doc: Document) => void): Promise<{ commit: string; ms: number; mode: string }> {
  const start = Date.now();
  const commit = commitConfig(message, edit);
  const mode = deployMode();
  if (mode === 'gitops') {
    await waitFor(`every router to run ${commit.slice(0, 7)}`, (LAB_INTERVAL_S + 15) * 1000, () =>
      ROUTERS.every((r) => runsCommit(r.name, commit)) ? true : undefined, 1000);
  } else {
    const failed = redeployAll().filter((r) => r.code !== 0);
    if (failed.length > 0) throw new Error(`apply failed after "${message}": ${failed.map((f) => `${f.router}: ${f.output}`).join('\n')}`);
  }
  return { commit, ms: Date.now() - start, mode };
}

/** Waits until every BFD session of every router is Up (and there is at least one per link end). */
export async function waitForBfd(timeoutMs: number): Promise<void> {
  await waitFor('BFD sessions up', timeoutMs, () => {
    for (const r of ROUTERS) {
      const out = birdc(r, ['show', 'bfd', 'sessions']).stdout;
      const up = (out.match(/\bUp\b/g) ?? []).length;
      if (up === 0 || /\b(Down|Init)\b/.test(out)) return undefined;
    }
    return true;
  }, 500);
}

export interface FailoverResult {
  outageMs: number;
  sent: number;
  received: number;
  /** R1's devices towards S2's LAN (dlan_vx4 = via R4): before the cut, during, and after R4 is back. */
  before: string[];
  during: string[];
  after: string[];
}

/** S1 pings S2 while R4's WAN is cut; then R4 comes back and must carry traffic again. */
export async function r4Failover(opts: { intervalMs: number; durationMs: number }): Promise<FailoverResult> {
  const r1 = routerByName('r1');
  const r4 = routerByName('r4');
  const s1 = SERVERS.find((s) => s.name === 's1')!;
  const s2 = SERVERS.find((s) => s.name === 's2')!;
  const target = serverAddresses(s2).ipv4!;
  const before = routeDevices(r1, '10.2.1.0/24');
  let during: string[] = [];
  try {
    const m = await measureOutage(s1, target, {
      intervalMs: opts.intervalMs,
      durationMs: opts.durationMs,
      disruptAfterMs: 1500,
      disrupt: () => setWan(r4, false),
    });
    during = routeDevices(r1, '10.2.1.0/24');
    setWan(r4, true);
    await waitFor('OSPF to re-converge with R4', 60_000, () => (ospfNotConverged().length === 0 ? true : undefined), 500);
    // R4 is used again: R1 reaches R4's loopback over their direct link (cost 10, not 20 via R5).
    await waitFor('R1 to route via R4 again', 30_000, () => (routeDevices(r1, '10.1.1.4').includes('dlan_vx4') ? true : undefined), 500);
    const after = routeDevices(r1, '10.2.1.0/24');
    return { ...m, before, during, after };
  } finally {
    setWan(r4, true);
  }
}
