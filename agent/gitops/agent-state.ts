// `/etc/dlan/state.json`: what the router runs and how the last attempts went. Written
// atomically (Host.write), and only when something in it changed: a check that finds nothing
// to do writes nothing to flash (the heartbeat goes to the volatile run file instead).
// A damaged file is set aside and the agent starts from an empty state: the router keeps its
// config (the backend compares against the machine, not against this file).
import type { Settled } from '../backend/backend.ts';
import type { Host } from '../host/host.ts';

export type AttemptResult = 'applied' | 'unchanged' | 'drift-corrected' | 'upstreams-updated' | 'refused' | 'rolled-back' | 'stale' | 'error' | 'skipped';

export interface CommitRef {
  sha: string;
  subject: string;
  author: string;
  date: string;
}

export interface AppliedCommit extends CommitRef {
  appliedAt: string;
}

export interface AttemptRecord {
  sha: string | null;
  at: string;
  result: AttemptResult;
  /** The phase that decided the result: fetch, verify, load, slice, plan, apply, confirm, report. */
  phase: string;
  message: string;
  /** Milliseconds per phase, and `total`. */
  durations: Record<string, number>;
}

export interface FailedCommit {
  sha: string;
  at: string;
  phase: string;
  reason: string;
}

export interface LastError {
  /** `null` when no commit was involved (remote unreachable, internal error). */
  sha: string | null;
  at: string;
  phase: string;
  reason: string;
}

export interface RollbackRecord {
  at: string;
  sha: string | null;
  snapshot: string | null;
  reason: string;
  /** `agent`: the confirm check failed; `timer`: the out-of-process timer fired; `manual`: `dlan-agent rollback`. */
  by: 'agent' | 'timer' | 'manual' | 'recovery';
}

export interface DriftRecord {
  at: string;
  sha: string | null;
  /** `kind target` of each corrected change. */
  changes: string[];
  /**
   * Why the router differed from the applied commit: `drift` (something changed it) or
   * `upstreams` (a service upstream name resolves differently now, so the rendered nginx config
   * moved with it, as intended). Absent in states written before the distinction (= drift).
   */
  cause?: 'drift' | 'upstreams';
  /** With cause `upstreams`: `name: old → new` of each name whose answer changed. */
  upstreams?: string[];
  /** Put back to the config a manual rollback restored (this snapshot), not to the held commit `sha`. */
  kept?: string;
}

export interface SettledRecord extends Settled {
  sha: string;
  agentVersion: string;
  router: string;
}

export interface AgentState {
  schema: 1;
  router: string | null;
  applied: AppliedCommit | null;
  /** The branch head seen at the last successful check of the remote. */
  remote: { sha: string; checkedAt: string } | null;
  lastAttempt: AttemptRecord | null;
  lastError: LastError | null;
  /** Commits not to retry until the branch moves. Newest first, at most 20. */
  failedCommits: FailedCommit[];
  /** Newest first, at most 20. */
  rollbacks: RollbackRecord[];
  /** The last drift found and corrected. */
  drift: DriftRecord | null;
  /** The resolver's answers for service upstream and endpoint names at the last apply (see Plan.upstreamAnswers). */
  upstreamAnswers: Record<string, string[]> | null;
  consecutiveFailures: number;
  /**
   * The paths the last plan that found nothing to do read, and the digest of their bytes, for that
   * commit, agent version and router: while they are the same a no-op cycle does not plan again.
   */
  settled?: SettledRecord | null;
  /** Runs that died (killed, out of memory) in a phase of this head: a second one holds the head. */
  crashes?: { sha: string; phase: string; count: number } | null;
  /** De-duplication of reports: context → `sha state description` last delivered. */
  reported: Record<string, string>;
}

export function emptyState(): AgentState {
  return {
    schema: 1,
    router: null,
    applied: null,
    remote: null,
    lastAttempt: null,
    lastError: null,
    failedCommits: [],
    rollbacks: [],
    drift: null,
    upstreamAnswers: null,
    consecutiveFailures: 0,
    reported: {},
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** state.json cannot be used: read, written, or understood. The message says which file, why, and what to do. */
export class StateFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateFileError';
  }
}

function reasonOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The `schema` of a state text that parses as an object with a number there, else null. */
function schemaOf(text: string): number | null {
  try {
    const doc = JSON.parse(text) as unknown;
    return isObject(doc) && typeof doc.schema === 'number' ? doc.schema : null;
  } catch {
    return null;
  }
}

/** Parses state.json; `null` when it is not a state this agent wrote. */
export function parseState(text: string): AgentState | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(doc) || doc.schema !== 1) return null;
  const base = emptyState();
  const s = { ...base, ...doc } as AgentState;
  if (!Array.isArray(s.failedCommits) || !Array.isArray(s.rollbacks) || !isObject(s.reported)) return null;
  if (s.applied !== null && (!isObject(s.applied) || typeof s.applied.sha !== 'string')) return null;
  if (typeof s.consecutiveFailures !== 'number') s.consecutiveFailures = 0;
  if (!isObject(s.upstreamAnswers)) s.upstreamAnswers = null;
  if (s.settled && (!isObject(s.settled) || !Array.isArray(s.settled.paths) || typeof s.settled.digest !== 'string')) s.settled = null;
  return s;
}

export interface LoadedState {
  state: AgentState;
  /** Set when the file was damaged (and has been moved aside). */
  recovered: string | null;
  /** The exact text read, to skip rewriting an unchanged state. */
  text: string | null;
}

/**
 * Reads state.json. A damaged file is set aside (the state starts empty); one that cannot be read
 * (a folder there, no permission) or that a newer agent wrote (a higher schema) throws
 * StateFileError: acting on it would lose or clobber what it holds.
 */
export async function loadState(host: Host, path: string): Promise<LoadedState> {
  let text: string | null;
  try {
    text = await host.files.read(path);
  } catch (e) {
    throw new StateFileError(`${path} cannot be read (${reasonOf(e)}): fix or remove it`);
  }
  if (text === null) return { state: emptyState(), recovered: null, text: null };
  const schema = schemaOf(text);
  if (schema !== null && schema > 1) {
    throw new StateFileError(`${path} has schema ${schema}, written by a newer dlan-agent: not acting on it`);
  }
  const state = parseState(text);
  if (state) return { state, recovered: null, text };
  const aside = `${path}.corrupt`;
  try {
    await host.files.write(aside, text, { mode: 0o600 });
    await host.files.remove(path);
  } catch (e) {
    throw new StateFileError(`cannot set ${path} aside (${reasonOf(e)})`);
  }
  return { state: emptyState(), recovered: `${path} was damaged; kept as ${aside}, starting from an empty state`, text: null };
}

export function renderState(state: AgentState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}

/** Writes the state when it differs from `previous` (the text last read or written). Returns the text now on disk. */
export async function saveState(host: Host, path: string, state: AgentState, previous: string | null): Promise<string> {
  const text = renderState(state);
  if (text === previous) return text;
  try {
    await host.files.write(path, text, { mode: 0o644 });
  } catch (e) {
    throw new StateFileError(`cannot write ${path} (${reasonOf(e)})`);
  }
  return text;
}

export function pushBounded<T>(list: T[], item: T, max = 20): T[] {
  return [item, ...list].slice(0, max);
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
