// How a cycle ended, as data, and what that ending does to the state: pure functions from
// (state, ending) to (new state, reports, log lines, the command's outcome). The recorder
// (record-cycle.ts) carries the effects out; phases only return endings.
import type { LogLevel } from '../../host/host.ts';
import type { DesiredState } from '../../slice/desired-state.ts';
import { shortSha } from '../agent-log.ts';
import { pushBounded, type AgentState, type AttemptResult, type CommitRef, type FailedCommit, type SettledRecord } from '../agent-state.ts';
import type { ReportEvent } from '../status/report-status.ts';
import type { SyncOutcome } from './cycle-context.ts';

/** How the main part of a cycle ended. */
export type CycleEnd =
  | { kind: 'applied'; sha: string; commit: CommitRef; changes: number; upstreamAnswers: Record<string, string[]> | null; desired: DesiredState; settled: SettledRecord | null }
  | { kind: 'unchanged'; sha: string }
  | { kind: 'refused'; sha: string; phase: string; reason: string }
  /** This router could not take the head (a host error: missing uci, router not in the config): retried next run, not held. */
  | { kind: 'failed'; sha: string; phase: string; reason: string }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'held'; sha: string; failed: FailedCommit }
  | { kind: 'stopping'; sha: string }
  /** The router changed under two plans in a row: nothing written, nothing rolled back, not held (tried again next run). */
  | { kind: 'stale'; sha: string; reason: string }
  /** The apply was rolled back; the rollback is already recorded (recorder.rollback). */
  | { kind: 'rolled-back'; sha: string; message: string }
  | { kind: 'internal'; reason: string };

/** How the drift check on the applied commit ended. */
export type DriftEnd =
  /** `settled`: the plan found nothing to do and named what it read (a later no-op may skip it). */
  | { kind: 'none'; settled?: SettledRecord }
  /** `kept`: the snapshot a manual rollback restored, put back (the held commit is not applied). */
  | { kind: 'corrected'; sha: string; targets: string[]; moved: string[]; upstreamAnswers: Record<string, string[]> | null; settled: SettledRecord | null; kept?: string }
  | { kind: 'failed'; message: string };

/** Whether the cycle checks for drift after this ending (against the applied commit, or the config a manual rollback of it restored: drift-phase.ts). */
export function wantsDriftCheck(end: CycleEnd): boolean {
  return end.kind === 'unchanged' || end.kind === 'refused' || end.kind === 'failed' || end.kind === 'unreachable' || end.kind === 'held';
}

export interface LogLine {
  level: LogLevel;
  message: string;
  fields?: Record<string, string | number | boolean>;
}

export interface Ending {
  state: AgentState;
  reports: ReportEvent[];
  logs: LogLine[];
  outcome: SyncOutcome;
  /** Written as state.lastAttempt (with the durations) unless null: a quiet no-op writes nothing. */
  attempt: { sha: string | null; result: AttemptResult; phase: string; message: string } | null;
}

const OK_RESULTS: readonly string[] = ['applied', 'unchanged', 'drift-corrected', 'upstreams-updated'];

function ending(state: AgentState, sha: string | null, result: AttemptResult, phase: string, message: string): Ending {
  return { state, reports: [], logs: [], attempt: { sha, result, phase, message }, outcome: { result, exitCode: OK_RESULTS.includes(result) ? 0 : 1, message, sha } };
}

function failed(state: AgentState, sha: string | null, phase: string, reason: string, at: string): AgentState {
  return { ...state, lastError: { sha, at, phase, reason }, consecutiveFailures: state.consecutiveFailures + 1 };
}

function driftState(state: AgentState, drift: DriftEnd, at: string): { state: AgentState; reports: ReportEvent[] } {
  if (drift.kind === 'none' && drift.settled) return { state: { ...state, settled: drift.settled }, reports: [] };
  if (drift.kind !== 'corrected') return { state, reports: [] };
  const upstreams = drift.moved.length > 0;
  return {
    state: {
      ...state,
      upstreamAnswers: drift.upstreamAnswers,
      settled: drift.settled,
      drift: upstreams
        ? { at, sha: drift.sha, changes: drift.targets, cause: 'upstreams', upstreams: drift.moved }
        : { at, sha: drift.sha, changes: drift.targets, cause: 'drift', ...(drift.kept ? { kept: drift.kept } : {}) },
    },
    reports: [
      upstreams
        ? { event: 'upstreams-changed', sha: drift.sha, state: 'success', description: `upstreams changed: ${drift.moved.join('; ')}`, forge: false }
        : { event: 'drift-corrected', sha: drift.sha, state: 'success', description: `drift corrected: ${drift.targets.length} item(s)${drift.kept ? ' (the restored config kept)' : ''}`, forge: false },
    ],
  };
}

function driftResult(drift: DriftEnd): 'drift-corrected' | 'upstreams-updated' {
  return drift.kind === 'corrected' && drift.moved.length > 0 ? 'upstreams-updated' : 'drift-corrected';
}

function sameCommit(state: AgentState, sha: string, drift: DriftEnd, at: string): Ending {
  if (drift.kind === 'failed') return ending({ ...state, lastError: { sha, at, phase: 'drift', reason: drift.message } }, sha, 'error', 'drift', drift.message);
  if (drift.kind === 'corrected') {
    const result = driftResult(drift);
    return ending(state, sha, result, 'confirm', `${result === 'upstreams-updated' ? 'nginx follows changed upstream answers' : 'drift corrected'} on ${shortSha(sha)}`);
  }
  // The cheap path: the attempt is recorded only when it differs from the last one (first
  // success after a failure), so a quiet router never writes to flash.
  const last = state.lastAttempt;
  const troubled = state.consecutiveFailures > 0 || state.lastError !== null;
  const quiet = last?.sha === sha && OK_RESULTS.includes(last.result) && !troubled;
  const message = `in sync with ${shortSha(sha)}`;
  const end = ending(troubled ? { ...state, consecutiveFailures: 0, lastError: null } : state, sha, 'unchanged', 'plan', message);
  if (troubled) end.reports.push({ event: 'recovered', sha, state: 'success', description: message, forge: false });
  if (quiet) end.attempt = null;
  return end;
}

function applied(state: AgentState, end: Extract<CycleEnd, { kind: 'applied' }>, at: string): Ending {
  const { sha } = end;
  const description = end.changes ? `applied ${shortSha(sha)}: ${end.changes} change(s)` : `applied ${shortSha(sha)}: router already matched`;
  const next: AgentState = {
    ...state,
    upstreamAnswers: end.upstreamAnswers,
    settled: end.settled,
    applied: { ...end.commit, appliedAt: at },
    consecutiveFailures: 0,
    lastError: null,
    failedCommits: state.failedCommits.filter((f) => f.sha !== sha),
    crashes: null,
  };
  const r = ending(next, sha, 'applied', end.changes ? 'confirm' : 'plan', description);
  r.reports.push({ event: state.consecutiveFailures > 0 ? 'recovered' : 'applied', sha, state: 'success', description });
  return r;
}

/** A refused head is held until the branch moves; one that failed for a host reason is not. */
function refused(state: AgentState, end: Extract<CycleEnd, { kind: 'refused' | 'failed' }>, drift: DriftEnd, at: string): Ending {
  const { sha, phase, reason } = end;
  const held = end.kind === 'refused';
  const next = failed(held ? { ...state, failedCommits: pushBounded(state.failedCommits.filter((f) => f.sha !== sha), { sha, at, phase, reason }) } : state, sha, phase, reason, at);
  const what = held ? 'refused' : 'cannot apply';
  const r = ending(next, sha, held ? 'refused' : 'error', phase, `${what} ${shortSha(sha)}: ${reason}${drift.kind === 'corrected' ? ` (drift on the ${drift.kept ? 'restored config' : 'applied commit'} corrected)` : ''}`);
  r.logs.push({ level: 'error', message: `phase=${phase} ${what} commit ${shortSha(sha)}: ${reason}`, fields: { commit: shortSha(sha) } });
  r.reports.push({ event: held ? 'refused' : 'error', sha, state: 'failure', description: `${what} (${phase}): ${reason}` });
  return r;
}

/** The state, reports, log lines and outcome of a cycle that ended with `end` (and `drift`). */
export function endCycle(state: AgentState, end: CycleEnd, drift: DriftEnd, at: string, durations: Record<string, number>): Ending {
  let r: Ending;
  switch (end.kind) {
    case 'applied':
      return applied(state, end, at);
    case 'unchanged':
      r = sameCommit(state, end.sha, drift, at);
      break;
    case 'refused':
    case 'failed':
      r = refused(state, end, drift, at);
      break;
    case 'unreachable':
      r = ending(failed(state, null, 'fetch', end.reason, at), null, 'error', 'fetch', `${end.reason}${drift.kind === 'corrected' ? ' (drift corrected)' : ''}`);
      r.logs.push({ level: 'error', message: `phase=fetch ${end.reason}`, fields: { ms: durations.fetch ?? 0 } });
      r.reports.push({ event: 'error', sha: state.applied?.sha ?? '', state: 'failure', description: end.reason, forge: false });
      break;
    case 'held': {
      const kept = drift.kind === 'corrected' && drift.kept ? `; drift on the restored config corrected (${drift.targets.length} item(s))` : '';
      const message = `head ${shortSha(end.sha)} failed before: ${end.failed.reason} (--retry-failed tries again)${kept}`;
      r = ending(state, end.sha, drift.kind === 'corrected' ? driftResult(drift) : 'skipped', 'decide', message);
      r.logs.push({ level: 'info', message: `phase=decide commit ${shortSha(end.sha)} failed before (${end.failed.phase}); waiting for the branch to move`, fields: { commit: shortSha(end.sha) } });
      if (drift.kind !== 'corrected') r.attempt = null;
      break;
    }
    case 'stopping':
      return ending(state, end.sha, 'skipped', 'plan', 'stopping: not applying');
    case 'rolled-back':
      return { ...ending(state, end.sha, 'rolled-back', 'confirm', end.message), attempt: null };
    case 'stale':
      r = ending(failed(state, end.sha, 'apply', end.reason, at), end.sha, 'stale', 'apply', `not applied ${shortSha(end.sha)}: ${end.reason}; tried again next run`);
      r.logs.push({ level: 'warn', message: `phase=apply not applied: ${end.reason}`, fields: { commit: shortSha(end.sha) } });
      r.reports.push({ event: 'error', sha: end.sha, state: 'failure', description: `not applied: the router changed during the plan, twice`, forge: false });
      return r;
    case 'internal':
      r = ending(failed(state, null, 'internal', end.reason, at), null, 'error', 'internal', end.reason);
      r.logs.push({ level: 'error', message: `sync failed: ${end.reason}` });
      return r;
  }
  const d = driftState(r.state, drift, at);
  return { ...r, state: d.state, reports: [...r.reports, ...d.reports] };
}
