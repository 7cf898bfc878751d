// What the GitOps commands need besides the Host: git, HTTP, the backend, a way to start this
// same program again (the rollback timer), and for `run` the daemon runtime (schedule, signals).
// The node entry builds it in agent/cli/node-agent-deps.ts, the QuickJS one in agent/cli/qjs-agent-deps.ts.
import type { Backend } from '../backend/backend.ts';
import type { GitClient } from '../host/git-client.ts';
import type { Host } from '../host/host.ts';
import type { HttpClient } from '../host/http-client.ts';

export type AgentSignal = 'SIGHUP' | 'SIGUSR1' | 'SIGTERM' | 'SIGINT';

export interface ScheduledTick {
  stop(): void;
  /** When the next tick fires (ms since the epoch), if known. */
  nextRun(): number | null;
}

export interface DaemonRuntime {
  /** Calls `tick` on a cron schedule (6 fields, with seconds). */
  schedule(cronExpression: string, tick: () => void): ScheduledTick;
  onSignal(signal: AgentSignal, handler: () => void): void;
  /** A wait that can be cut short (the jitter before a sync; SIGTERM must not wait for it). */
  delay(ms: number): { done: Promise<void>; cancel(): void };
}

export interface AgentDeps {
  git: GitClient;
  http: HttpClient;
  /** Program and leading arguments that start this dlan-agent, e.g. `[node, /usr/lib/dlan-agent/dlan-agent.js]`. */
  selfArgv: string[];
  /** `netns`: the setting of that name (the Linux backend's network namespace). */
  selectBackend(host: Host, root: string, netns?: string | null): Promise<Backend>;
  daemon?: DaemonRuntime;
  /** Uniform in [0, 1): jitter. */
  random?: () => number;
}
