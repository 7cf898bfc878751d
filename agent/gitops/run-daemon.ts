// `dlan-agent run`: the long-running mode under procd or systemd. A cron schedule from the
// interval, a random jitter before each scheduled sync, exponential backoff after failures,
// SIGHUP/SIGUSR1 = sync now, SIGTERM/SIGINT = stop: the running sync (if any) is finished first,
// nothing new starts, so no write is ever cut in half by the agent itself.
import type { Host } from '../host/host.ts';
import type { DaemonRuntime, ScheduledTick } from './agent-deps.ts';
import type { AgentLog } from './agent-log.ts';
import { isoTime } from './agent-state.ts';
import type { SyncOutcome } from './cycle/run-sync.ts';
import { backoffMs, cronExpressionFor, expressibleInterval, jitterMs } from './schedule.ts';

export interface DaemonOptions {
  host: Host;
  runtime: DaemonRuntime;
  log: AgentLog;
  random: () => number;
  /** The interval in seconds, read again before every tick (settings may change). */
  interval: () => Promise<number>;
  /** One sync; `stopping` tells it SIGTERM arrived. */
  sync: (why: 'start' | 'schedule' | 'signal', stopping: () => boolean) => Promise<SyncOutcome>;
  /** Records when the next scheduled run is expected (status shows it). */
  announceNext: (at: string | null) => Promise<void>;
}

function isFailure(o: SyncOutcome): boolean {
  return o.result === 'error' || o.result === 'rolled-back' || o.result === 'stale';
}

export function runDaemon(o: DaemonOptions): Promise<number> {
  const { host, runtime, log } = o;
  let stopping = false;
  let running: Promise<void> | null = null;
  let queued = false;
  let failures = 0;
  let notBefore = 0;
  let interval = 300;
  let task: ScheduledTick | null = null;
  let expression = '';
  let wake: (() => void) | null = null;
  let inJitter = false;
  let done: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => (done = resolve));

  /** Sleeps, but returns early on stop or a signal (and leaves no timer behind). */
  const pause = async (ms: number) => {
    if (ms <= 0 || stopping) return;
    const d = runtime.delay(ms);
    wake = () => d.cancel();
    await d.done;
    wake = null;
  };

  const reschedule = async () => {
    const wanted = await o.interval().catch(() => interval);
    const usable = cronExpressionFor(wanted) ? wanted : expressibleInterval(wanted);
    if (usable !== wanted) log.log('warn', `interval ${wanted}s cannot be a cron schedule; using ${usable}s`);
    const expr = cronExpressionFor(usable)!;
    interval = usable;
    if (expr === expression && task) return;
    task?.stop();
    expression = expr;
    task = runtime.schedule(expr, () => trigger('schedule'));
    log.log('info', `schedule: every ${usable}s (cron "${expr}") with up to 10% jitter`);
  };

  const runOne = async (why: 'start' | 'schedule' | 'signal') => {
    if (why !== 'signal') {
      if (host.now() < notBefore) {
        log.log('info', `backoff: skipping this run until ${isoTime(notBefore)}`, { failures });
        return;
      }
      inJitter = true;
      await pause(jitterMs(interval, o.random));
      inJitter = false;
      if (stopping) return;
    }
    const outcome = await o.sync(why, () => stopping).catch((e: unknown): SyncOutcome => {
      log.log('error', `sync crashed: ${e instanceof Error ? e.message : String(e)}`);
      return { result: 'error', exitCode: 1, message: String(e), sha: null };
    });
    failures = isFailure(outcome) ? failures + 1 : 0;
    notBefore = host.now() + backoffMs(interval, failures);
    await reschedule();
  };

  const trigger = (why: 'start' | 'schedule' | 'signal') => {
    if (stopping) return;
    if (running) {
      // A signal during the jitter wait ends the wait; during a sync it queues one more after it
      // (a signal is never lost; scheduled ticks do not pile up).
      if (why === 'signal') {
        if (inJitter) wake?.();
        else queued = true;
      }
      return;
    }
    running = (async () => {
      await runOne(why);
      while (queued && !stopping) {
        queued = false;
        await runOne('signal');
      }
    })().finally(async () => {
      running = null;
      if (stopping) done(0);
      else await o.announceNext(nextRunGuess()).catch(() => undefined);
    });
  };

  const nextRunGuess = (): string | null => {
    const next = task?.nextRun() ?? null;
    return next === null ? null : isoTime(Math.max(next, notBefore));
  };

  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    log.log('info', `${sig}: stopping${running ? ' after the running sync' : ''}`);
    task?.stop();
    wake?.();
    if (!running) done(0);
  };

  runtime.onSignal('SIGHUP', () => trigger('signal'));
  runtime.onSignal('SIGUSR1', () => trigger('signal'));
  runtime.onSignal('SIGTERM', () => stop('SIGTERM'));
  runtime.onSignal('SIGINT', () => stop('SIGINT'));

  void reschedule().then(() => {
    log.log('info', 'daemon started');
    trigger('start');
  });
  return finished.then(async (code) => {
    await o.announceNext(null).catch(() => undefined);
    log.log('info', 'daemon stopped');
    await log.flush();
    return code;
  });
}
