// What a command needs from the process it runs in: the Host for effects, and the two output
// streams. The node and QuickJS entries each build one; commands never touch `process` directly.
import type { Host } from '../host/host.ts';

export interface CliContext {
  host: Host;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Colour and tables only when stdout is a terminal. */
  isTTY: boolean;
  version: string;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], ctx: CliContext): Promise<number>;
}
