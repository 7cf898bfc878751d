// Multi-step lab scenarios shared by the end-to-end test and the benchmarks: pushing a config
// change and waiting until every router runs it, BFD sessions, a hub's WAN cut and a single link's
// path cut with outage measurement.
import type { Document } from 'yaml';
import { commitConfig } from './config-repo.ts';
import { LAB_INTERVAL_S, deployMode, redeployAll } from './deploy.ts';
import { measureOutage, ospfNotConverged, routeDevices, serverAddresses, setPath, setWan } from './probes.ts';
import { agent, birdc } from './router-cli.ts';
import { waitFor } from './run.ts';
import { R3_HOME_ADDRESS, ROUTERS, SERVERS, routerByName } from './topology.ts';

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
  /** The watched router's devices towards the destination LAN: before the cut, during, and after repair. */
  before: string[];
  during: string[];
  after: string[];
}

/** One failure to measure: who pings whom, what breaks, and which route shows the reroute. */
interface FailoverCase {
  from: string;
  to: string;
  /** The router whose route towards `lan` is watched, and its device over the broken path. */
  router: string;
  lan: string;
  brokenDevice: string;
  /** A destination the watched router reaches over the broken path again once it is repaired. */
  repairedVia: string;
  disrupt: () => void;
  repair: () => void;
}

async function measureFailover(c: FailoverCase, opts: { intervalMs: number; durationMs: number }): Promise<FailoverResult> {
  const router = routerByName(c.router);
  const from = SERVERS.find((s) => s.name === c.from)!;
  const target = serverAddresses(SERVERS.find((s) => s.name === c.to)!).ipv4!;
  const before = routeDevices(router, c.lan);
  let during: string[] = [];
  try {
    const m = await measureOutage(from, target, { intervalMs: opts.intervalMs, durationMs: opts.durationMs, disruptAfterMs: 1500, disrupt: c.disrupt });
    during = routeDevices(router, c.lan);
    c.repair();
    await waitFor('OSPF to re-converge after the repair', 60_000, () => (ospfNotConverged().length === 0 ? true : undefined), 500);
    await waitFor(`${c.router} to route via ${c.brokenDevice} again`, 30_000, () => (routeDevices(router, c.repairedVia).includes(c.brokenDevice) ? true : undefined), 500);
    const after = routeDevices(router, c.lan);
    return { ...m, before, during, after };
  } finally {
    c.repair();
  }
}

/** S1 pings S2 while R4's WAN is cut (the hub dies); then R4 comes back and must carry traffic again. */
export function r4Failover(opts: { intervalMs: number; durationMs: number }): Promise<FailoverResult> {
  const r4 = routerByName('r4');
  // R1 reaches R4's loopback over their direct link (cost 10, not 20 via R5) once R4 is back.
  return measureFailover({
    from: 's1', to: 's2', router: 'r1', lan: '10.2.1.0/24', brokenDevice: 'dlan_vx4', repairedVia: '10.1.1.4',
    disrupt: () => setWan(r4, false), repair: () => setWan(r4, true),
  }, opts);
}

/**
 * S2 pings S5 while the R2–R3 link alone dies (both routers stay up, R2 drops every packet to
 * and from R3's address on the home LAN): R2's route to R3's LAN leaves the direct link (cost
 * 5) for R4/R5 (cost 20), and returns to it once the path is back.
 */
export function r2r3LinkFailover(opts: { intervalMs: number; durationMs: number }): Promise<FailoverResult> {
  const r2 = routerByName('r2');
  return measureFailover({
    from: 's2', to: 's5', router: 'r2', lan: '10.2.2.0/24', brokenDevice: 'dlan_vx3', repairedVia: '10.2.2.0/24',
    disrupt: () => setPath(r2, R3_HOME_ADDRESS, false), repair: () => setPath(r2, R3_HOME_ADDRESS, true),
  }, opts);
}
