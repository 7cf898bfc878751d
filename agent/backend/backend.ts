// What a backend (OpenWrt/UCI, Linux) offers the CLI and the GitOps agent. A backend turns one
// router's DesiredState into concrete changes on the machine below `root`, applies only the
// difference, and runs only the service actions those changes need.
//
// The contract (the same shape as netjsonconfig's render/plan split):
//   render(state)        pure: the text of every target the backend would write (review, tests)
//   plan(state, ctx)     reads the router once (uci export, files, ip/wg state, DNS answers) and
//                        returns a PreparedChange: what will change, each change with its cause
//   apply(prepared, ctx) executes exactly that prepared change: no second read of the config, no
//                        second DNS lookup. It first re-reads the bytes plan read (cheap: files,
//                        never `uci export` or the resolver) and throws StalePlanError when the
//                        router changed in between: the caller plans again, explicitly.
//   snapshots(ctx)       ids of the snapshots taken before applies, oldest first
//   restore(ctx, id?)    puts a snapshot back (or, `onlyDrift`, only what dlan owned in it and no
//                        longer matches it); uninstall(ctx) removes everything dlan owns
import type { Host } from '../host/host.ts';
import type { LinkSecrets } from '../secrets/open-link-secrets.ts';
import type { DesiredState } from '../slice/desired-state.ts';

export type BackendName = 'openwrt' | 'linux';

export interface BackendContext {
  host: Host;
  /** Treated as `/`: every path the backend reads or writes is below it. `/` on a real router. */
  root: string;
  /** Run service actions. When false they are only reported (printed by the CLI). */
  reload: boolean;
}

/**
 * Why a change is in the plan: `config` the desired state changed since the last apply; `drift`
 * the router no longer has what the last apply wrote (someone edited it); `dns` an upstream name
 * of a service or a WireGuard endpoint name answers differently than at the last apply (nginx
 * and the endpoints follow DNS by design).
 */
export type ChangeCause = 'config' | 'drift' | 'dns';

/** One unit of difference between what the router has and what it should have. */
export interface PlannedChange {
  /** What kind of thing changes: `uci`, `file`, `link`, `address`, `route`, `wireguard`, `nft`… */
  kind: string;
  /** What it is, e.g. `network.dlan_vx4`, `/etc/bird.conf`, `link dlan_vx4`. */
  target: string;
  op: 'add' | 'change' | 'delete';
  /** Human-readable detail (a unified diff for files, `old → new` for options). Never secrets. */
  detail: string;
  cause: ChangeCause;
}

/** A difference as the planners compute it; the backend adds its cause. */
export type Difference = Omit<PlannedChange, 'cause'>;

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
   * What the router's resolver answered for the service upstream and WireGuard endpoint names
   * the plan rendered with (name → sorted addresses; `[]` = unresolved; an endpoint name that
   * stopped answering keeps its last answer). Absent when no upstream or endpoint is a name.
   */
  upstreamAnswers?: Record<string, string[]>;
}

/**
 * A plan ready to apply. Everything apply needs (rendered content, uci commands, the bytes that
 * were read) is held by the backend that made it, out of sight: JSON.stringify of a prepared
 * change is the public plan, never a key. A prepared change is applied at most once.
 */
export interface PreparedChange extends Plan {
  /** Digest of everything plan read from the router (for logs; apply compares the bytes). */
  fingerprint: string;
  /**
   * Every path the plan read and the digest of what it read there (common/settled.ts), when the
   * plan depends on those bytes alone. Absent when it also depends on something else (DNS answers
   * for service upstreams, the interfaces of the Linux backend): such a plan is never skipped.
   */
  settled?: Settled;
}

/** Paths a plan read (`dir:`/`stat:` for listings and existence) and one digest of their bytes. */
export interface Settled {
  paths: string[];
  digest: string;
}

export interface ApplyResult extends Plan {
  /** Id of the snapshot taken before writing; `null` when nothing changed (no snapshot needed). */
  snapshot: string | null;
  /** Actions that ran (with reload) and their outcome. */
  ran: { action: ServiceAction; ok: boolean; output: string }[];
}

/** What a backend would write, as text: UCI packages as `uci show` lines, files as their bytes. */
export interface Rendered {
  backend: BackendName;
  /** In the backend's order (UCI packages, then files); secret options appear as `(secret)`. */
  targets: { target: string; text: string }[];
}

/** What render cannot know by itself; review leaves them out (placeholders, names unresolved). */
export interface RenderInputs {
  privateKey?: string;
  psks?: LinkSecrets;
  upstreamAnswers?: Record<string, string[]>;
}

export interface RestoreOptions {
  onlyDrift?: boolean;
}

export interface Backend {
  name: BackendName;
  /** Pure: no I/O. */
  render(state: DesiredState, inputs?: RenderInputs): Rendered;
  /** Reads the current state and computes changes + actions. Writes nothing. */
  plan(state: DesiredState, ctx: BackendContext): Promise<PreparedChange>;
  /** Snapshot what will be touched, write, verify, then run the actions (when ctx.reload). */
  apply(prepared: PreparedChange, ctx: BackendContext): Promise<ApplyResult>;
  /** Snapshot ids, oldest first. */
  snapshots(ctx: BackendContext): Promise<string[]>;
  /**
   * Puts back the files of a snapshot (the latest when id is omitted) and reruns the actions.
   * `onlyDrift` (a manual rollback kept while it holds): only what dlan owned when the snapshot was
   * taken (its ledger) and no longer matches it, as a drift correction (cause `drift`), with the
   * actions of just that; what dlan did not own is left as it is now, and a router that still
   * matches is not written to at all (no changes).
   */
  restore(ctx: BackendContext, snapshotId?: string, opts?: RestoreOptions): Promise<ApplyResult>;
  /** Removes everything dlan-agent owns and restores what it took over. */
  uninstall(ctx: BackendContext): Promise<ApplyResult>;
}

/** The router changed between plan and apply; nothing was written. Plan again. */
export class StalePlanError extends Error {
  constructor(changed: string[]) {
    super(`the router changed since the plan (${changed.join(', ')}): nothing written; plan again`);
    this.name = 'StalePlanError';
  }
}

/** plan + apply in one call, for callers that show nothing in between (CLI `apply`, tests). */
export async function planAndApply(backend: Backend, state: DesiredState, ctx: BackendContext): Promise<ApplyResult> {
  return backend.apply(await backend.plan(state, ctx), ctx);
}
