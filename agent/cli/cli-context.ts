// What a command needs from the process it runs in: the Host for effects, and the two output
// streams. The node and QuickJS entries each build one; commands never touch `process` directly.
import type { Host } from '../host/host.ts';
import type { AgentDeps } from '../gitops/agent-deps.ts';

export interface CliContext {
  host: Host;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Colour and tables only when stdout is a terminal. */
  isTTY: boolean;
  version: string;
  /** git, HTTP, backend, daemon runtime for the GitOps commands (init, sync, run, status, rollback). */
  agentDeps?: () => AgentDeps;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], ctx: CliContext): Promise<number>;
}
