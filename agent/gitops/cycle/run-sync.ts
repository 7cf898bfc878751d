// `dlan-agent sync` and every tick of `run`: one cycle (run-cycle.ts) under the sync lock, then
// the volatile heartbeat (run.json) and the closing log line.
import { shortSha } from '../agent-log.ts';
import { isoTime, StateFileError } from '../agent-state.ts';
import { updateRunInfo } from '../run-file.ts';
import type { SyncEnv } from '../sync-env.ts';
import type { SyncOptions, SyncOutcome } from './cycle-context.ts';
import { runCycle } from './run-cycle.ts';
import { acquireLock } from './sync-lock.ts';

export type { SyncOptions, SyncOutcome } from './cycle-context.ts';

export async function runSync(env: SyncEnv, opts: SyncOptions): Promise<SyncOutcome> {
  const { host, paths, log } = env;
  const startedAt = host.now();
  const lock = await acquireLock(host, paths.lock, { waitMs: opts.waitMs });
  if (!lock.ok && lock.error) {
    log.log('error', lock.error);
    await log.flush();
    return { result: 'error', exitCode: 1, message: lock.error, sha: null };
  }
  if (!lock.ok) {
    const message = `another sync is running (pid ${lock.holder?.pid ?? '?'}); not starting a second one`;
    log.log('info', message);
    return { result: 'busy', exitCode: 0, message, sha: null };
  }
  let outcome: SyncOutcome | null = null;
  let unrecorded = false;
  try {
    outcome = await runCycle(env, opts, startedAt).catch((e: unknown) => {
      if (!(e instanceof StateFileError)) throw e;
      unrecorded = true;
      log.log('error', e.message);
      return { result: 'error' as const, exitCode: 1, message: e.message, sha: null };
    });
    return outcome;
  } finally {
    await lock.lock.release();
    const durationMs = host.now() - startedAt;
    await updateRunInfo(host, paths.runFile, {
      lastRun: outcome ? { at: isoTime(host.now()), result: outcome.result, sha: outcome.sha, durationMs, message: outcome.message, ...(unrecorded ? { unrecorded: true as const } : {}) } : null,
      mode: opts.mode,
      running: null,
    }).catch(() => undefined);
    log.log(outcome && outcome.exitCode === 0 ? 'info' : 'warn', `phase=done result=${outcome?.result ?? 'error'}`, { commit: shortSha(outcome?.sha), ms: durationMs });
    await log.flush();
  }
}
