// decide: what to do with the branch head, from the state alone (pure).
import type { AgentState, FailedCommit } from '../agent-state.ts';

export type HeadDecision = { kind: 'same' } | { kind: 'held'; failed: FailedCommit } | { kind: 'new' };

/** The failed-commit record that holds `sha` back, unless the admin asked to retry. */
export function heldCommit(state: Readonly<AgentState>, sha: string, retryFailed: boolean): FailedCommit | null {
  return retryFailed ? null : (state.failedCommits.find((f) => f.sha === sha) ?? null);
}

export function decideHead(state: Readonly<AgentState>, sha: string, retryFailed: boolean): HeadDecision {
  if (sha === state.applied?.sha) return { kind: 'same' };
  const failed = heldCommit(state, sha, retryFailed);
  return failed ? { kind: 'held', failed } : { kind: 'new' };
}
