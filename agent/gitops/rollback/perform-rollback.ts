// Carries out a rollback of an unconfirmed apply: restore the apply's snapshot, record it in the
// state (the commit is marked failed and not retried until the branch moves), report, clean up.
// Used by the agent when its confirm check fails, by the out-of-process timer, and by the next
// sync when it finds a confirmation its agent never finished (killed, rebooted).
import { shortSha } from '../agent-log.ts';
import { isoTime, loadState, pushBounded, saveState, type RollbackRecord } from '../agent-state.ts';
import { report } from '../status/report-status.ts';
import { clearPending, stopTimer, type PendingConfirmation } from './rollback-guard.ts';
import { listSnapshotIds, newestSince } from './snapshot-ids.ts';
import type { SyncEnv } from '../sync-env.ts';

export async function performRollback(env: SyncEnv, pending: PendingConfirmation, by: RollbackRecord['by'], reason: string): Promise<{ snapshot: string | null; error: string | null }> {
  const { host, paths, log } = env;
  const started = host.now();
  const snapshot = pending.snapshot ?? newestSince(pending.snapshotsBefore, await listSnapshotIds(host, paths.root));
  let error: string | null = null;
  if (snapshot !== null) {
    try {
      const backend = await env.deps.selectBackend(host, paths.root);
      const result = await backend.restore({ host, root: paths.root, reload: env.reload }, snapshot);
      const failed = result.ran.filter((r) => !r.ok);
      if (failed.length) error = `restored, but ${failed.map((f) => `${f.action.service} ${f.action.action}`).join(', ')} failed`;
    } catch (e) {
      error = `restore failed: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  const at = isoTime(host.now());
  const loaded = await loadState(host, paths.stateFile);
  const state = loaded.state;
  state.router ??= env.settings.router;
  const message = `rolled back${pending.sha ? ` ${shortSha(pending.sha)}` : ''}: ${reason}${error ? ` (${error})` : ''}`;
  state.rollbacks = pushBounded(state.rollbacks, { at, sha: pending.sha, snapshot, reason, by });
  if (pending.sha && pending.reason === 'commit') {
    state.failedCommits = pushBounded(state.failedCommits.filter((f) => f.sha !== pending.sha), { sha: pending.sha, at, phase: 'confirm', reason: message });
  }
  state.lastError = { sha: pending.sha, at, phase: 'confirm', reason: message };
  state.lastAttempt = { sha: pending.sha, at, result: 'rolled-back', phase: 'confirm', message, durations: { rollback: host.now() - started } };
  state.consecutiveFailures += 1;
  if (pending.sha) await report(env.deps.http, env.settings, state, { event: 'rolled-back', sha: pending.sha, state: 'failure', description: message }, log, at);
  await saveState(host, paths.stateFile, state, loaded.text);
  if (by !== 'timer') await stopTimer(host, pending);
  await clearPending(host, paths);
  log.log(error ? 'error' : 'warn', `phase=rollback ${message}`, { commit: shortSha(pending.sha), by, snapshot: snapshot ?? 'none', ms: host.now() - started });
  return { snapshot, error };
}
