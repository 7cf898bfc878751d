// The GitOps agent's dependencies under QuickJS (the node entry has node-agent-deps.ts): git and
// HTTP through programs run by the Host (`git`, `uclient-fetch`/`curl`: exec-git.ts, qjs-http.ts),
// the backend chosen for the machine, `qjs <bundle>` to start the agent again (rollback timer),
// and for `run` a daemon runtime on the engine's own timers (os.setTimeout) and signals (os.signal).
import { selectBackend } from '../backend/select-backend.ts';
import type { AgentDeps, AgentSignal, DaemonRuntime, ScheduledTick } from '../gitops/agent-deps.ts';
import type { Host } from '../host/host.ts';
import { createExecGit } from '../host/exec-git.ts';
import { createExecHttp } from '../host/qjs-http.ts';

/** The part of QuickJS's `os` module the daemon runtime uses. */
export interface QjsDaemonOs {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Installs (or with `null` removes) a handler; QuickJS calls it from its event loop. */
  signal(sig: number, handler: (() => void) | null): void;
}

/**
 * Linux signal numbers (`os` exports only SIGINT and SIGTERM). SIGHUP, SIGINT and SIGTERM are the
 * same on every architecture; SIGUSR1 is 16 on MIPS (most OpenWrt routers) and 10 elsewhere.
 */
export function linuxSignalNumber(signal: AgentSignal, mips: boolean): number {
  switch (signal) {
    case 'SIGHUP':
      return 1;
    case 'SIGINT':
      return 2;
    case 'SIGTERM':
      return 15;
    case 'SIGUSR1':
      return mips ? 16 : 10;
  }
}

/**
 * The period of one of the cron expressions `cronExpressionFor` makes (6 fields, with seconds):
 * `*\/N * * * * *`, `0 *\/M * * * *`, `0 0 *\/H * * *`, `0 0 0 * * *`. Any other is refused:
 * this runtime is not a general cron.
 */
export function cronPeriodSeconds(expression: string): number {
  const f = expression.trim().split(/\s+/);
  const step = (field: string | undefined) => {
    const m = /^\*\/(\d+)$/.exec(field ?? '');
    return m ? Number(m[1]) : null;
  };
  const rest = (from: number) => f.slice(from).every((x) => x === '*');
  if (f.length === 6) {
    const s = step(f[0]);
    if (s !== null && rest(1)) return s;
    const m = step(f[1]);
    if (f[0] === '0' && m !== null && rest(2)) return m * 60;
    const h = step(f[2]);
    if (f[0] === '0' && f[1] === '0' && h !== null && rest(3)) return h * 3600;
    if (f[0] === '0' && f[1] === '0' && f[2] === '0' && rest(3)) return 86400;
  }
  throw new Error(`unsupported cron expression "${expression}"`);
}

/** The next time after `now` (ms) that is a whole multiple of the period in local time, as cron fires. */
export function nextCronRun(periodSeconds: number, now: number): number {
  const offsetMs = new Date(now).getTimezoneOffset() * 60_000;
  const local = now - offsetMs;
  const p = periodSeconds * 1000;
  return (Math.floor(local / p) + 1) * p + offsetMs;
}

export function createQjsDaemonRuntime(os: QjsDaemonOs, opts: { now: () => number; signalNumber: (s: AgentSignal) => Promise<number> }): DaemonRuntime {
  return {
    schedule(expression, tick): ScheduledTick {
      const period = cronPeriodSeconds(expression);
      let next: number | null = null;
      let handle: unknown = null;
      const arm = () => {
        next = nextCronRun(period, opts.now());
        handle = os.setTimeout(() => {
          // Timers may fire a little early or late: re-arm from the clock, never from the last deadline.
          arm();
          tick();
        }, Math.max(0, next - opts.now()));
      };
      arm();
      return {
        stop() {
          if (handle !== null) os.clearTimeout(handle);
          handle = null;
          next = null;
        },
        nextRun: () => next,
      };
    },
    onSignal(signal, handler) {
      void opts.signalNumber(signal).then((n) => os.signal(n, handler));
    },
    delay(ms) {
      let finish: () => void = () => {};
      let handle: unknown = null;
      const done = new Promise<void>((resolve) => {
        finish = resolve;
        handle = os.setTimeout(resolve, ms);
      });
      return {
        done,
        cancel() {
          if (handle !== null) os.clearTimeout(handle);
          finish();
        },
      };
    },
  };
}

/** MIPS or not, from /proc/cpuinfo (read once, only when `run` installs its signal handlers). */
function mipsDetector(host: Host): () => Promise<boolean> {
  let answer: Promise<boolean> | null = null;
  return () => (answer ??= host.files.read('/proc/cpuinfo').then((t) => /\bmips/i.test(t ?? ''), () => false));
}

export function createQjsAgentDeps(host: Host, os: QjsDaemonOs, script: string): AgentDeps {
  const isMips = mipsDetector(host);
  return {
    git: createExecGit(host),
    http: createExecHttp(host),
    // The OpenWrt wrapper runs `qjs <bundle>`; the rollback timer starts the agent the same way.
    selfArgv: ['qjs', script],
    selectBackend: (h, root, netns) => selectBackend(h, root, undefined, netns),
    daemon: createQjsDaemonRuntime(os, { now: () => host.now(), signalNumber: async (s) => linuxSignalNumber(s, await isMips()) }),
    random: Math.random,
  };
}
