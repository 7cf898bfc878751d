// `dlan-agent status`: where this router stands, from local files and a few quick, parallel,
// time-bounded probes (wg, birdc, the process table). It never contacts the remote (the remote
// head shown is the one seen at the last check) and never writes anything. A daemon that is down
// or slow makes its part `available: false`, never the whole answer.
import { readOnlyDir } from '../../backend/common/flash-space.ts';
import { resolveNames } from '../../backend/common/resolve-names.ts';
import { resolveServiceUpstreams, upstreamNames } from '../../slice/resolve-service-upstreams.ts';
import { describeMissingPackages, missingPackages } from '../../backend/openwrt/required-packages.ts';
import type { Host } from '../../host/host.ts';
import type { AgentSettings } from '../../settings/agent-settings.ts';
import type { DesiredState } from '../../slice/desired-state.ts';
import type { AgentPaths } from '../agent-paths.ts';
import { parseState, type AgentState } from '../agent-state.ts';
import { peerNamesOf, stalePeerProblems } from '../probes/peer-health.ts';
import { probeBfd, probeOspf, type BfdSession, type OspfNeighbor } from '../probes/probe-bird.ts';
import { probeServices, type ServiceState } from '../probes/probe-services.ts';
import { probeWireguard } from '../probes/probe-wireguard.ts';
import { networkHost } from '../probes/network-host.ts';
import { keptSnapshot } from '../rollback/manual-hold.ts';
import { readPending } from '../rollback/rollback-guard.ts';
import { shortSha } from '../agent-log.ts';
import { isRunning, parseIdentity } from '../process-identity.ts';
import { readRunInfo, type RunInfo } from '../run-file.ts';

export const PROBE_TIMEOUT_MS = 1500;

export type Health = 'healthy' | 'degraded' | 'failed';
export type SyncState = 'in-sync' | 'behind' | 'failed' | 'confirming' | 'never-applied';

/** The `status --json` document (schema 1; fields are only ever added). */
export interface StatusReport {
  schema: 1;
  router: string | null;
  health: Health;
  /** Why the health is not `healthy`, one line each. */
  problems: string[];
  sync: {
    state: SyncState;
    applied: AgentState['applied'];
    remote: { sha: string; checkedAt: string | null } | null;
    lastRun: { at: string; result: string; durationMs: number; message: string } | null;
    nextRun: string | null;
    mode: 'cron' | 'daemon' | 'manual' | null;
    lastError: AgentState['lastError'];
    lastAttempt: AgentState['lastAttempt'];
    drift: AgentState['drift'];
    rollbacks: AgentState['rollbacks'];
    pendingConfirmation: { sha: string | null; firesAt: string } | null;
    stateFile: 'ok' | 'missing' | 'damaged';
    /**
     * The cycle running now, from its marker in run.json; `alive: false` when its process is gone
     * (killed, out of memory) or its phase began longer ago than any phase lasts: that run died,
     * and is recorded as failed by the next one. `null` when no cycle runs.
     */
    running: { sha: string | null; phase: string; at: string; pid: number | null; alive: boolean } | null;
  };
  wireguard: {
    interface: string;
    available: boolean;
    reason?: string;
    peers: {
      router: string | null;
      publicKey: string;
      endpoint: string | null;
      latestHandshakeAgeSeconds: number | null;
      rxBytes: number;
      txBytes: number;
    }[];
  };
  ospf: { available: boolean; reason?: string; neighbors: OspfNeighbor[] };
  bfd: { available: boolean; reason?: string; sessions: BfdSession[] };
  services: Record<string, ServiceState>;
  /** Upstreams of this router's services that do not resolve now (nginx serves without them). */
  exposures: { unresolved: { service: string; upstream: string }[] };
}

async function readAppliedDesired(host: Host, path: string): Promise<DesiredState | null> {
  const text = await host.files.read(path).catch(() => null);
  if (text === null) return null;
  try {
    return (JSON.parse(text) as { state: DesiredState }).state ?? null;
  } catch {
    return null;
  }
}

/** No phase of a cycle lasts longer (the confirm timeout is at most an hour). */
const MAX_PHASE_MS = 2 * 3600_000;

async function runningCycle(host: Host, run: RunInfo | null): Promise<StatusReport['sync']['running']> {
  const r = run?.running;
  if (!r) return null;
  const id = r.pid ? parseIdentity(r.pid) : null;
  const alive = host.now() - Date.parse(r.at) < MAX_PHASE_MS && (id === null || (await isRunning(host, id)));
  return { sha: r.sha, phase: r.phase, at: r.at, pid: id?.pid ?? null, alive };
}

export async function collectStatus(host: Host, paths: AgentPaths, settings: AgentSettings | null): Promise<StatusReport> {
  const [stateText, run, pending, desired, readOnly] = await Promise.all([
    // '' when it cannot be read (a folder there): damaged, not missing.
    host.files.read(paths.stateFile).catch(() => ''),
    readRunInfo(host, paths.runFile),
    readPending(host, paths).catch(() => null),
    readAppliedDesired(host, paths.appliedStateFile),
    // A read-only /etc/dlan (an overlay mounted read-only after flash errors): every sync fails, and none can record it.
    readOnlyDir(host, [paths.stateFile.slice(0, paths.stateFile.lastIndexOf('/'))]),
  ]);
  const unrecorded = run?.lastRun?.unrecorded ? run.lastRun : null;
  const parsed = stateText === null ? null : parseState(stateText);
  const state = parsed;
  const iface = desired?.wireguard.interface ?? 'wg0';
  const names = desired ? upstreamNames(desired) : [];
  // The router's own network (setting netns: a namespace) is probed where it lives.
  const inNs = await networkHost(host, settings?.netns).catch((e: Error) => e);
  const net = inNs instanceof Error ? host : inNs;
  const [wg, ospf, bfd, services, answers] = await Promise.all([
    inNs instanceof Error ? ({ available: false, reason: inNs.message } as const) : probeWireguard(net, iface, PROBE_TIMEOUT_MS),
    probeOspf(net, settings?.birdSocket ?? null, PROBE_TIMEOUT_MS),
    probeBfd(net, settings?.birdSocket ?? null, PROBE_TIMEOUT_MS),
    probeServices(host),
    resolveNames(net, names, { timeoutMs: PROBE_TIMEOUT_MS }),
  ]);
  const nowS = host.now() / 1000;
  const running = await runningCycle(host, run);
  const problems: string[] = [];

  let syncState: SyncState;
  const head = state?.remote?.sha ?? null;
  if (running && !running.alive) syncState = 'failed';
  else if (pending) syncState = 'confirming';
  else if (readOnly || unrecorded) syncState = 'failed';
  else if (!state?.applied) syncState = state && (state.lastError || state.failedCommits.length) ? 'failed' : 'never-applied';
  else if (state.lastError || (head && state.failedCommits.some((f) => f.sha === head))) syncState = 'failed';
  else if (head && head !== state.applied.sha) syncState = 'behind';
  else syncState = 'in-sync';

  // The config a manual rollback restored, which sync keeps while it holds the applied commit.
  const hold = state?.applied ? keptSnapshot(state, state.applied.sha) : undefined;
  let health: Health = 'healthy';
  const degrade = (why: string) => {
    problems.push(why);
    if (health === 'healthy') health = 'degraded';
  };
  if (syncState === 'failed' || syncState === 'never-applied') {
    health = 'failed';
    if (running && !running.alive) problems.push(`the run in ${running.phase}${running.sha ? ` of ${shortSha(running.sha)}` : ''} since ${running.at} died (killed, out of memory): the next run records it`);
    else if (readOnly || unrecorded) {
      if (readOnly) problems.push(`${readOnly}: read-only file system: nothing can be applied or recorded (remount it read-write)`);
      if (unrecorded) problems.push(`the last run failed and could not record it: ${unrecorded.message}`);
    } else if (state?.lastError?.phase !== 'rollback' || !hold) problems.push(state?.lastError ? `last error (${state.lastError.phase}): ${state.lastError.reason}` : 'no commit applied yet');
  }
  if (hold) {
    const d = state?.drift?.kept && state.drift.sha === state.applied?.sha ? `; drift corrected ${state.drift.at}: ${state.drift.changes.length} item(s)` : '';
    const how = state?.rollbacks.find((r) => r.sha === state.applied?.sha)?.by === 'manual' ? 'rolled back by hand' : 'rolled back';
    problems.push(`${how} (snapshot ${hold}): keeping the restored config until the branch moves${d}`);
  }
  if (syncState === 'behind') degrade('the branch has a newer commit than the one applied');
  if (syncState === 'confirming') degrade('a change is waiting for confirmation');
  if (stateText !== null && parsed === null) degrade('state.json is damaged or unreadable');
  const missing = desired ? await missingPackages(host, paths.root, desired) : null;
  if (missing) degrade(describeMissingPackages(missing));

  const peerNames = peerNamesOf(desired);
  const peers = wg.available
    ? wg.value.map((p) => ({
        router: peerNames.get(p.publicKey) ?? null,
        publicKey: p.publicKey,
        endpoint: p.endpoint,
        latestHandshakeAgeSeconds: p.latestHandshake === null ? null : Math.max(0, Math.round(nowS - p.latestHandshake)),
        rxBytes: p.rxBytes,
        txBytes: p.txBytes,
      }))
    : [];
  const expectsPeers = (desired?.wireguard.peers.length ?? 0) > 0;
  if (inNs instanceof Error) degrade(inNs.message);
  else if (!wg.available && expectsPeers) degrade(`wireguard: ${wg.reason}`);
  for (const problem of stalePeerProblems(desired, peers)) degrade(problem);
  const expectsOspf = (desired?.links.length ?? 0) > 0;
  if (!ospf.available && (expectsOspf || desired !== null)) degrade(`ospf: ${ospf.reason}`);
  if (ospf.available) {
    for (const l of desired?.links ?? []) {
      const n = ospf.value.filter((x) => x.interface === l.interface);
      if (!n.some((x) => x.state.startsWith('Full'))) degrade(`ospf: no Full neighbour on ${l.interface} (${l.peer})`);
    }
  }
  if (bfd.available) for (const s of bfd.value) if (s.state !== 'Up') degrade(`bfd: session ${s.address} on ${s.interface} is ${s.state}`);
  const unresolved = desired
    ? resolveServiceUpstreams(desired, answers).services.flatMap((svc) => (svc.unresolvedUpstreams ?? []).map((upstream) => ({ service: svc.name, upstream })))
    : [];
  for (const u of unresolved) degrade(`service ${u.service}: upstream ${u.upstream} does not resolve (nginx serves without it)`);
  const wanted: Record<string, boolean> = { dnsmasq: true, bird: desired !== null, nginx: (desired?.services.length ?? 0) > 0 };
  for (const [name, st] of Object.entries(services)) {
    if (st === 'unknown') degrade(`${name}: state unknown`);
    else if (st === 'stopped' && wanted[name]) degrade(`${name} is not running`);
  }

  return {
    schema: 1,
    router: settings?.router ?? state?.router ?? null,
    health,
    problems,
    sync: {
      state: syncState,
      applied: state?.applied ?? null,
      remote: head ? { sha: head, checkedAt: run?.remoteCheckedAt ?? state?.remote?.checkedAt ?? null } : null,
      lastRun: run?.lastRun ? { at: run.lastRun.at, result: run.lastRun.result, durationMs: run.lastRun.durationMs, message: run.lastRun.message } : null,
      nextRun: run?.nextRun ?? (run?.lastRun && settings ? new Date(Date.parse(run.lastRun.at) + settings.interval * 1000).toISOString() : null),
      mode: run?.mode ?? null,
      lastError: state?.lastError ?? null,
      lastAttempt: state?.lastAttempt ?? null,
      drift: state?.drift ?? null,
      rollbacks: (state?.rollbacks ?? []).slice(0, 5),
      pendingConfirmation: pending ? { sha: pending.sha, firesAt: new Date(pending.firesAt).toISOString() } : null,
      stateFile: stateText === null ? 'missing' : parsed === null ? 'damaged' : 'ok',
      running,
    },
    wireguard: { interface: iface, available: wg.available, ...(wg.available ? {} : { reason: wg.reason }), peers },
    ospf: { available: ospf.available, ...(ospf.available ? { neighbors: ospf.value } : { reason: ospf.reason, neighbors: [] }) },
    bfd: { available: bfd.available, ...(bfd.available ? { sessions: bfd.value } : { reason: bfd.reason, sessions: [] }) },
    services,
    exposures: { unresolved },
  };
}

export function exitCodeFor(health: Health): number {
  return health === 'healthy' ? 0 : health === 'degraded' ? 1 : 2;
}
