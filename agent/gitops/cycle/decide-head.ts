// decide: what to do with the branch head, from the state alone (pure).
import type { AgentState, FailedCommit } from '../agent-state.ts';

export type HeadDecision = { kind: 'same' } | { kind: 'held'; failed: FailedCommit } | { kind: 'new' };

/** The failed-commit record that holds `sha` back, unless the admin asked to retry. */
export function heldCommit(state: Readonly<AgentState>, sha: string, retryFailed: boolean): FailedCommit | null {
  return retryFailed ? null : (state.failedCommits.find((f) => f.sha === sha) ?? null);
}

/** A held head is held even when it is the applied one (rolled back by hand); retrying it applies it anew. */
export function decideHead(state: Readonly<AgentState>, sha: string, retryFailed: boolean): HeadDecision {
  const failed = heldCommit(state, sha, retryFailed);
  if (failed) return { kind: 'held', failed };
  return sha === state.applied?.sha && !state.failedCommits.some((f) => f.sha === sha) ? { kind: 'same' } : { kind: 'new' };
}
