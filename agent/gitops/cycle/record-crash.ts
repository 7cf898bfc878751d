// A run that died mid-cycle (SIGKILL, the OOM killer, a power cut while the marker in run.json
// survived) is recorded by the next one, as a pure function of the state: the phase and head it
// died in become the last error (status shows it failed). A head is retried once after such a
// death; when runs die twice on the same head it is held like a refused commit, so a commit whose
// load runs the router out of memory does not make every run fetch and die again.
import { shortSha } from '../agent-log.ts';
import { pushBounded, type AgentState } from '../agent-state.ts';

export interface DiedRun {
  sha: string | null;
  phase: string;
}

export function recordCrash(state: AgentState, died: DiedRun, at: string): AgentState {
  const reason = `the run before died during ${died.phase}${died.sha ? ` of ${shortSha(died.sha)}` : ''} (killed, out of memory)`;
  const next: AgentState = { ...state, lastError: { sha: died.sha, at, phase: died.phase, reason }, consecutiveFailures: state.consecutiveFailures + 1 };
  if (died.sha === null || died.sha === state.applied?.sha) return next;
  const count = state.crashes?.sha === died.sha ? state.crashes.count + 1 : 1;
  next.crashes = { sha: died.sha, phase: died.phase, count };
  if (count < 2) return next;
  const held = { sha: died.sha, at, phase: died.phase, reason: `runs died twice during ${died.phase}` };
  return { ...next, failedCommits: pushBounded(state.failedCommits.filter((f) => f.sha !== died.sha), held) };
}
