// What a backend (OpenWrt/UCI, Linux) offers the CLI and the GitOps agent. A backend turns one
// router's DesiredState into concrete changes on the machine below `root`, applies only the
// difference, and runs only the service actions those changes need.
import type { Host } from '../host/host.ts';
import type { DesiredState } from '../slice/desired-state.ts';

export type BackendName = 'openwrt' | 'linux';

export interface BackendContext {
  host: Host;
  /** Treated as `/`: every path the backend reads or writes is below it. `/` on a real router. */
  root: string;
  /** Run service actions. When false they are only reported (printed by the CLI). */
  reload: boolean;
}

/** One unit of difference between what the router has and what it should have. */
export interface PlannedChange {
  /** What kind of thing changes: `uci`, `file`, `link`, `address`, `route`, `wireguard`, `nft`… */
  kind: string;
  /** What it is, e.g. `network.dlan_vx4`, `/etc/bird.conf`, `link dlan_vx4`. */
  target: string;
  op: 'add' | 'change' | 'delete';
  /** Human-readable detail (a unified diff for files, `old → new` for options). Never secrets. */
  detail: string;
}

/** A graceful service action, in the order it must run. */
export interface ServiceAction {
  service: string;
  /** e.g. `reload`, `configure`, `ifup wg0`. */
  action: string;
  /** The exact program and arguments that will run (no shell). */
  argv: string[];
  /** Which change made it necessary. */
  why: string;
}

export interface Plan {
  backend: BackendName;
  router: string;
  changes: PlannedChange[];
  actions: ServiceAction[];
  /**
   * What the router's resolver answered for the service upstream names the plan rendered with
   * (name → sorted addresses; `[]` = unresolved). Absent when no upstream is a name. The agent
   * keeps the answers of its last apply, so a later change of the rendered nginx config can be
   * told apart: DNS moved (expected, reported as "upstreams changed") or someone edited (drift).
   */
  upstreamAnswers?: Record<string, string[]>;
}

export interface ApplyResult extends Plan {
  /** Id of the snapshot taken before writing; `null` when nothing changed (no snapshot needed). */
  snapshot: string | null;
  /** Actions that ran (with reload) and their outcome. */
  ran: { action: ServiceAction; ok: boolean; output: string }[];
}

export interface Backend {
  name: BackendName;
  /** Reads the current state and computes changes + actions. Writes nothing. */
  plan(state: DesiredState, ctx: BackendContext): Promise<Plan>;
  /** Plan, snapshot what will be touched, write, verify, then run the actions (when ctx.reload). */
  apply(state: DesiredState, ctx: BackendContext): Promise<ApplyResult>;
  /** Puts back the files of a snapshot (the latest when id is omitted) and reruns the actions. */
  restore(ctx: BackendContext, snapshotId?: string): Promise<ApplyResult>;
  /** Removes everything dlan-agent owns and restores what it took over. */
  uninstall(ctx: BackendContext): Promise<ApplyResult>;
}
