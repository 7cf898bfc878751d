// What every phase of one sync cycle works with, and the few helpers they share. Phases read the
// state (to decide); only the recorder (record-cycle.ts) changes it.
import type { Backend, BackendContext, PreparedChange } from '../../backend/backend.ts';
import { shortSha } from '../agent-log.ts';
import type { AttemptResult, SettledRecord } from '../agent-state.ts';
import type { SyncEnv } from '../sync-env.ts';
import type { Recorder } from './record-cycle.ts';

export interface SyncOptions {
  /** How long to wait for another sync holding the lock. */
  waitMs: number;
  /** Try the branch head even when it failed before. */
  retryFailed: boolean;
  /** Accept a head that does not descend from the applied commit (admin's `sync --allow-rewind`). */
  allowRewind?: boolean;
  mode: 'cron' | 'daemon' | 'manual';
  /** Pause between confirm checks (tests shorten it). */
  confirmPollMs?: number;
  /** Asked to stop (SIGTERM): finish what is running, start nothing new. */
  stopping?: () => boolean;
}

export interface SyncOutcome {
  result: AttemptResult | 'busy';
  exitCode: number;
  message: string;
  sha: string | null;
}

export interface Cycle {
  env: SyncEnv;
  opts: SyncOptions;
  rec: Recorder;
  durations: Record<string, number>;
  backend: Backend;
  bctx: BackendContext;
  startedAt: number;
  /** This process, `pid:starttime`: written in the running marker. */
  pid: string;
}

export async function timed<T>(c: Cycle, phase: string, fn: () => Promise<T>): Promise<T> {
  const start = c.env.host.now();
  try {
    return await fn();
  } finally {
    c.durations[phase] = (c.durations[phase] ?? 0) + c.env.host.now() - start;
  }
}

export function logPhase(c: Cycle, phase: string, sha: string | null, fields: Record<string, string | number | boolean> = {}, level: 'info' | 'debug' = 'info'): void {
  c.env.log.log(level, `phase=${phase}`, { commit: shortSha(sha), ms: c.durations[phase] ?? 0, ...fields });
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** What a plan that found nothing to do read, bound to the commit, agent and router it was for. */
export function settledRecord(c: Cycle, sha: string, plan: PreparedChange): SettledRecord | null {
  return plan.settled ? { ...plan.settled, sha, agentVersion: c.env.version, router: c.env.settings.router } : null;
}
