// One convergence cycle, as a list of phases, under the sync lock:
//
//   recover (a confirmation a dead agent left) → head (ls-remote) → decide →
//     new head:   fetch → verify → load → plan → apply → confirm (or roll back)
//     same head, held head, refused head, unreachable remote:  drift (plan against the applied
//                 commit; nothing to do = no write, no reload; drift = apply it again, guarded)
//   → record (state, log, forge status, webhook: record-cycle.ts)
//
// A refused or rolled-back commit is recorded and not retried until the branch moves; the router
// keeps its last good config (and drift against it is still corrected): after a manual rollback,
// the config it restored, until a commit is applied.
import { GitError } from '../../host/git-client.ts';
import { isoTime } from '../agent-state.ts';
import { rollBackAfterDeath } from '../rollback/roll-back-pending.ts';
import { claimPending, readPending, waitForDecision, type PendingConfirmation } from '../rollback/rollback-guard.ts';
import { formatIdentity, selfIdentity } from '../process-identity.ts';
import { readRunInfo, updateRunInfo } from '../run-file.ts';
import type { SyncEnv } from '../sync-env.ts';
import { runCommitPhases } from './commit-phases.ts';
import { errorText, timed, type Cycle, type SyncOptions, type SyncOutcome } from './cycle-context.ts';
import { wantsDriftCheck, type CycleEnd, type DriftEnd } from './cycle-end.ts';
import { decideHead } from './decide-head.ts';
import { driftPhase } from './drift-phase.ts';
import { Recorder } from './record-cycle.ts';

const LS_REMOTE_TIMEOUT_MS = 30_000;

/**
 * recover, part 1: a pending confirmation whose agent is gone is ours to roll back (returned,
 * claimed); one the timer claimed is being rolled back right now: wait for it to finish.
 */
async function claimAbandoned(env: SyncEnv): Promise<PendingConfirmation | null> {
  const pending = await readPending(env.host, env.paths);
  if (!pending) return null;
  if (await claimPending(env.host, env.paths, pending.token)) return pending;
  await waitForDecision(env.host, env.paths);
  return null;
}

/** head: the branch head on the remote (`git ls-remote`, nothing fetched). */
async function headPhase(c: Cycle): Promise<{ sha: string } | CycleEnd> {
  const { env } = c;
  try {
    const sha = await timed(c, 'fetch', () => env.deps.git.remoteHead(env.settings.repo, env.settings.branch, { timeoutMs: LS_REMOTE_TIMEOUT_MS }));
    await updateRunInfo(env.host, env.paths.runFile, { remoteCheckedAt: isoTime(env.host.now()) });
    c.rec.sawRemote(sha);
    return { sha };
  } catch (e) {
    return { kind: 'unreachable', reason: e instanceof GitError ? e.message : `git: ${errorText(e)}` };
  }
}

async function mainPhases(c: Cycle): Promise<CycleEnd> {
  const head = await headPhase(c);
  if ('kind' in head) return head;
  const decision = decideHead(c.rec.state, head.sha, c.opts.retryFailed);
  if (decision.kind === 'same') return { kind: 'unchanged', sha: head.sha };
  if (decision.kind === 'held') return { kind: 'held', sha: head.sha, failed: decision.failed };
  return runCommitPhases(c, head.sha, (phase, sha) => markRunning(c.env, sha, phase, c.pid));
}

/** The marker a run that dies leaves behind (run.json, RAM): which head, which phase, which process. */
function markRunning(env: SyncEnv, sha: string | null, phase: string, pid: string): Promise<void> {
  return updateRunInfo(env.host, env.paths.runFile, { running: { sha, phase, at: isoTime(env.host.now()), pid } });
}

export async function runCycle(env: SyncEnv, opts: SyncOptions, startedAt: number): Promise<SyncOutcome> {
  const { host, paths, deps } = env;
  const died = (await readRunInfo(host, paths.runFile))?.running ?? null;
  const pid = formatIdentity(await selfIdentity(host));
  await markRunning(env, null, 'head', pid);
  const abandoned = await claimAbandoned(env);
  const rec = await Recorder.open(env);
  if (died) rec.crashed(died);
  const backend = await deps.selectBackend(host, paths.root, env.settings.netns);
  const c: Cycle = { env, opts, rec, durations: {}, backend, bctx: { host, root: paths.root, reload: env.reload }, startedAt, pid };
  let end: CycleEnd;
  let drift: DriftEnd = { kind: 'none' };
  try {
    if (abandoned) await rollBackAfterDeath(env, abandoned, 'recovery', 'the agent stopped before confirming the change (killed or rebooted)', (done) => rec.rollback(done));
    end = await mainPhases(c);
    if (wantsDriftCheck(end)) drift = await driftPhase(c);
  } catch (e) {
    // An unexpected failure (a bug, a full disk): record it, keep the last good config.
    end = { kind: 'internal', reason: errorText(e) };
  }
  return rec.finish(end, drift, startedAt, c.durations);
}
