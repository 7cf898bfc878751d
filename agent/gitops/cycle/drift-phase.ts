// drift: the router against the desired state of the applied commit. The one place drift is
// checked and corrected, whatever else the cycle did (same head, a refused or held head, an
// unreachable remote): the router keeps the last good config. While the applied commit is held
// by a manual rollback, that is the config the rollback restored (its snapshot), not the commit.
import type { DesiredState } from '../../slice/desired-state.ts';
import { shortSha } from '../agent-log.ts';
import { keptSnapshot } from '../rollback/manual-hold.ts';
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

/**
 * Drift against the restored config: what dlan owned in the rollback's snapshot is put back
 * where the router no longer has it (Backend.restore, `onlyDrift`), the held commit never
 * applied. Not guarded by the confirm checks, as the rollback itself was not: it is the config
 * the admin chose, and undoing the correction would only bring the edit back.
 */
async function keepRestored(c: Cycle, sha: string, snapshot: string | null): Promise<DriftEnd> {
  const { env } = c;
  if (snapshot === null || !(await c.backend.snapshots(c.bctx)).includes(snapshot)) {
    env.log.log('warn', `drift check skipped: the snapshot the rollback restored (${snapshot ?? 'unknown'}) is gone; the branch moving or \`sync --retry-failed\` ends the hold`, { commit: shortSha(sha) });
    return { kind: 'none' };
  }
  let r;
  try {
    r = await timed(c, 'apply', () => c.backend.restore(c.bctx, snapshot, { onlyDrift: true }));
  } catch (e) {
    return { kind: 'failed', message: `keeping the restored config (snapshot ${snapshot}) failed: ${errorText(e)}` };
  }
  logPhase(c, 'apply', sha, { changes: r.changes.length, kept: snapshot }, r.changes.length ? 'info' : 'debug');
  if (r.changes.length === 0) return { kind: 'none' };
  const targets = r.changes.map((ch) => `${ch.kind} ${ch.target}`);
  const actions = r.actions.map((a) => `${a.service} ${a.action}`);
  env.log.log('warn', `drift: ${targets.length} owned item(s) differ from the config the rollback restored (snapshot ${snapshot}), put back: ${targets.slice(0, 10).join(', ')}${actions.length ? `; ${actions.join(', ')}` : ''}`, { commit: shortSha(sha) });
  const failed = r.ran.filter((x) => !x.ok).map((x) => `${x.action.service} ${x.action.action}`);
  if (failed.length) return { kind: 'failed', message: `drift on the restored config put back, but ${failed.join(', ')} failed` };
  return { kind: 'corrected', sha, targets, moved: [], upstreamAnswers: c.rec.state.upstreamAnswers, settled: null, kept: snapshot };
}

export async function driftPhase(c: Cycle): Promise<DriftEnd> {
  const { env } = c;
  const applied = c.rec.state.applied;
  if (!applied) return { kind: 'none' };
  const kept = keptSnapshot(c.rec.state, applied.sha);
  if (kept !== undefined) return keepRestored(c, applied.sha, kept);
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
