// drift: the router against the desired state of the applied commit. The one place drift is
// checked and corrected, whatever else the cycle did (same head, a refused or held head, an
// unreachable remote): the router keeps the last good config.
import type { DesiredState } from '../../slice/desired-state.ts';
import { shortSha } from '../agent-log.ts';
import { readAppliedState, writeAppliedState } from './applied-state-cache.ts';
import { settledDigest } from '../../backend/common/settled.ts';
import { errorText, logPhase, settledRecord, timed, type Cycle } from './cycle-context.ts';
import type { DriftEnd } from './cycle-end.ts';
import { guardedApply } from './guarded-apply.ts';
import { loadDesired } from './load-phase.ts';

/** `name: old → new` for each upstream name whose answer differs from the last apply's. */
export function changedAnswers(before: Record<string, string[]> | null, now: Record<string, string[]> | undefined): string[] {
  if (!before || !now) return [];
  const show = (a: string[] | undefined) => (a && a.length > 0 ? a.join(' ') : 'unresolved');
  return Object.keys(now)
    .sort()
    .filter((name) => name in before && show(before[name]) !== show(now[name]))
    .map((name) => `${name}: ${show(before[name])} → ${show(now[name])}`);
}

/** The applied commit's desired state: the cache, else the clone when it still holds that commit. */
async function appliedDesired(c: Cycle, sha: string): Promise<DesiredState | null> {
  const { env } = c;
  const cached = await readAppliedState(env.host, env.paths.appliedStateFile, sha, env.version);
  if (cached || (await env.deps.git.localHead(env.paths.repoDir)) !== sha) return cached;
  const loaded = await loadDesired(c).catch(() => null);
  if (!loaded?.ok) return null;
  await writeAppliedState(env.host, env.paths.appliedStateFile, sha, env.version, loaded.desired);
  return loaded.desired;
}

/**
 * Whether the router's bytes are as the last plan that found nothing to do read them, for this
 * very commit, agent and router: then planning again would find nothing again (settled.ts).
 */
async function stillSettled(c: Cycle, sha: string): Promise<boolean> {
  const s = c.rec.state.settled;
  if (!s || s.sha !== sha || s.agentVersion !== c.env.version || s.router !== c.env.settings.router) return false;
  return (await settledDigest(c.env.host, s.paths).catch(() => null)) === s.digest;
}

export async function driftPhase(c: Cycle): Promise<DriftEnd> {
  const { env } = c;
  const applied = c.rec.state.applied;
  if (!applied) return { kind: 'none' };
  if (await timed(c, 'plan', () => stillSettled(c, applied.sha))) {
    logPhase(c, 'plan', applied.sha, { changes: 0, skipped: 'settled' }, 'debug');
    return { kind: 'none' };
  }
  const desired = await appliedDesired(c, applied.sha);
  if (!desired) {
    env.log.log('warn', 'drift check skipped: applied commit not in the clone', { commit: shortSha(applied.sha) });
    return { kind: 'none' };
  }
  let plan;
  try {
    plan = await timed(c, 'plan', () => c.backend.plan(desired, c.bctx));
  } catch (e) {
    return { kind: 'failed', message: `drift check failed: ${errorText(e)}` };
  }
  // Nothing to do is the common case: a debug line (not sent to syslog, one program fewer per run).
  logPhase(c, 'plan', applied.sha, { changes: plan.changes.length }, plan.changes.length ? 'info' : 'debug');
  if (plan.changes.length === 0) {
    const settled = settledRecord(c, applied.sha, plan);
    return settled ? { kind: 'none', settled } : { kind: 'none' };
  }
  const targets = plan.changes.map((ch) => `${ch.kind} ${ch.target}`);
  // A name an upstream points at now answers differently: the nginx config follows DNS by design,
  // so this is reported as such (info), not as someone having changed the router (warn).
  const moved = changedAnswers(c.rec.state.upstreamAnswers, plan.upstreamAnswers);
  if (moved.length > 0) {
    env.log.log('info', `upstreams changed: ${moved.join('; ')}; rewriting ${targets.join(', ')}`, { commit: shortSha(applied.sha) });
  } else {
    env.log.log('warn', `drift: ${plan.changes.length} owned item(s) differ from commit ${shortSha(applied.sha)}: ${targets.slice(0, 10).join(', ')}`, { commit: shortSha(applied.sha) });
  }
  if (c.opts.stopping?.()) return { kind: 'none' };
  const r = await guardedApply(c, desired, plan, applied.sha, 'drift');
  if (!r.ok) {
    if (!r.rolledBack && !r.stale) await c.rec.takeOverFromTimer();
    return { kind: 'failed', message: `${moved.length > 0 ? 'upstream update' : 'drift correction'} ${r.message}` };
  }
  return { kind: 'corrected', sha: applied.sha, targets, moved, upstreamAnswers: r.applied.upstreamAnswers ?? null, settled: r.settled };
}
