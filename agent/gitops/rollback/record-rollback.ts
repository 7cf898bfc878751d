// What a rollback changes in the state, as a pure function of the state and the rollback's
// record: the cycle's recorder and the out-of-cycle callers (the timer, `dlan-agent rollback`)
// apply the same function, so a rollback never writes state.json behind a running cycle's back
// with rules of its own.
import { pushBounded, type AgentState, type RollbackRecord } from '../agent-state.ts';
import type { ReportEvent } from '../status/report-status.ts';

export interface RollbackDone {
  at: string;
  sha: string | null;
  snapshot: string | null;
  reason: string;
  by: RollbackRecord['by'];
  /** What went wrong while restoring (`null`: restored cleanly). */
  error: string | null;
  /** `rolled back <sha>: <reason>`, as logged and reported. */
  message: string;
  /** The commit is not tried again until the branch moves. */
  holdCommit: boolean;
  ms: number;
}

export function recordRollback(state: AgentState, done: RollbackDone): AgentState {
  const { at, sha, message } = done;
  const phase = done.by === 'manual' ? 'rollback' : 'confirm';
  return {
    ...state,
    rollbacks: pushBounded(state.rollbacks, { at, sha, snapshot: done.snapshot, reason: done.reason, by: done.by }),
    failedCommits: done.holdCommit && sha ? pushBounded(state.failedCommits.filter((f) => f.sha !== sha), { sha, at, phase, reason: message }) : state.failedCommits,
    lastError: { sha, at, phase, reason: message },
    lastAttempt: { sha, at, result: 'rolled-back', phase, message, durations: { rollback: done.ms } },
    consecutiveFailures: state.consecutiveFailures + 1,
  };
}

/** The forge status and webhook event of a rollback (none without a commit to put it on). */
export function rollbackEvent(done: RollbackDone): ReportEvent | null {
  return done.sha ? { event: 'rolled-back', sha: done.sha, state: 'failure', description: done.message } : null;
}
