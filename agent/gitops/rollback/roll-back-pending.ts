// Carries out the rollback of an unconfirmed apply: restore the apply's snapshot, have the
// outcome recorded, then stop the timer and clear the pending confirmation. Used by the agent
// when its confirm check fails, by the out-of-process timer, and by the next sync when it finds
// a confirmation its agent never finished (killed, rebooted). It writes no state itself: it
// hands a RollbackDone to `record` (the cycle's recorder, or recordRollbackAlone outside a
// cycle), and clears the pending file only after that, so a crash in between rolls back again
// rather than forgetting the rollback.
import { shortSha } from '../agent-log.ts';
import { isoTime, loadState, saveState } from '../agent-state.ts';
import { report } from '../status/report-status.ts';
import type { SyncEnv } from '../sync-env.ts';
import { recordRollback, rollbackEvent, type RollbackDone } from './record-rollback.ts';
import { clearPending, stopTimer, type PendingConfirmation } from './rollback-guard.ts';
import { confirmHealthy, type ConfirmResult } from '../probes/confirm-checks.ts';
import { networkHost } from '../probes/network-host.ts';
import { newestSince } from './snapshot-ids.ts';

/** The apply's snapshot: recorded, or else the newest one taken since the timer was armed. */
async function applySnapshot(env: SyncEnv, pending: PendingConfirmation): Promise<string | null> {
  if (pending.snapshot) return pending.snapshot;
  const backend = await env.deps.selectBackend(env.host, env.paths.root, env.settings.netns);
  return newestSince(pending.snapshotsBefore, await backend.snapshots({ host: env.host, root: env.paths.root, reload: env.reload }));
}

async function restoreSnapshot(env: SyncEnv, snapshot: string): Promise<string | null> {
  try {
    const backend = await env.deps.selectBackend(env.host, env.paths.root, env.settings.netns);
    const result = await backend.restore({ host: env.host, root: env.paths.root, reload: env.reload }, snapshot);
    const failed = result.ran.filter((r) => !r.ok);
    return failed.length ? `restored, but ${failed.map((f) => `${f.action.service} ${f.action.action}`).join(', ')} failed` : null;
  } catch (e) {
    return `restore failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

export async function rollBackPending(
  env: SyncEnv,
  pending: PendingConfirmation,
  by: RollbackDone['by'],
  reason: string,
  record: (done: RollbackDone) => Promise<void>,
  hold: boolean,
): Promise<RollbackDone> {
  const { host, paths, log } = env;
  const started = host.now();
  const snapshot = await applySnapshot(env, pending);
  const error = snapshot === null ? null : await restoreSnapshot(env, snapshot);
  const done: RollbackDone = {
    at: isoTime(host.now()),
    sha: pending.sha,
    snapshot,
    reason,
    by,
    error,
    message: `rolled back${pending.sha ? ` ${shortSha(pending.sha)}` : ''}: ${reason}${error ? ` (${error})` : ''}`,
    holdCommit: hold && pending.sha !== null && pending.reason === 'commit',
    ms: host.now() - started,
  };
  try {
    await record(done);
  } catch (e) {
    // Restored, but not recorded (a full flash: state.json): the pending confirmation stays, so the
    // next run (or the timer) claims it again, rolls back again (the same snapshot: no change) and
    // records it. The claim is let go: held by this run, that next run would wait for a decision
    // nobody is taking (two minutes, issue #12).
    await host.files.remove(paths.pendingClaim);
    throw e;
  }
  if (by !== 'timer') await stopTimer(host, pending);
  await clearPending(host, paths);
  log.log(error ? 'error' : 'warn', `phase=rollback ${done.message}`, { commit: shortSha(pending.sha), by, snapshot: snapshot ?? 'none', ms: host.now() - started });
  return done;
}

/**
 * The agent that applied died before confirming (the timer fired, or the next run found its
 * confirmation): was it the change? The confirm checks run once, briefly, before the rollback.
 * Failing checks hold the commit like the agent's own confirm would; a healthy router means the
 * agent was killed or crashed, and the commit is tried again (once: record-crash.ts).
 */
export async function rollBackAfterDeath(env: SyncEnv, pending: PendingConfirmation, by: 'timer' | 'recovery', why: string, record: (done: RollbackDone) => Promise<void>): Promise<RollbackDone> {
  const e = pending.expect;
  // The router's namespace (setting netns) gone is a problem of the router, not a healthy one.
  const net = await networkHost(env.host, env.settings.netns).catch((err: Error) => err);
  const check: ConfirmResult = net instanceof Error
    ? { ok: false, problems: [net.message] }
    : await confirmHealthy(net, env.deps.git, env.settings, e ?? { peers: [], neighbors: [] }, e?.wgInterface ?? 'wg0', env.host.now() + 5000, 1000);
  const reason = check.ok ? `${why}; healthy, so the commit is tried again` : `${why}: ${check.problems.join('; ')}`;
  return rollBackPending(env, pending, by, reason, record, !check.ok);
}

/** Records a rollback made outside a sync cycle (the timer, `dlan-agent rollback`): state.json is read, changed by recordRollback, reported and written here. */
export function recordRollbackAlone(env: SyncEnv): (done: RollbackDone) => Promise<void> {
  return async (done) => {
    const loaded = await loadState(env.host, env.paths.stateFile);
    const state = recordRollback({ ...loaded.state, router: loaded.state.router ?? env.settings.router }, done);
    const ev = rollbackEvent(done);
    if (ev) await report(env.deps.http, env.settings, state, ev, env.log, done.at);
    await saveState(env.host, env.paths.stateFile, state, loaded.text);
  };
}
