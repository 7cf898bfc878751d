// The out-of-process rollback timer and the pending confirmation it guards.
//
// Before an apply, the agent writes `/etc/dlan/pending.json` (flash: it survives a reboot) and
// starts a detached shell that sleeps, then runs `dlan-agent rollback --if-unconfirmed TOKEN`.
// If the agent confirms in time it claims the token, removes the file and kills the sleeper; if
// the agent hangs or is killed (even SIGKILL), the timer's rollback claims it and restores the
// snapshot. The claim (an atomic symlink) makes confirm and rollback mutually exclusive.
// The shell script is a constant: the delay, the program and the token are positional
// arguments, never spliced into the script, and no config value is among them.
import type { Host } from '../../host/host.ts';
import type { AgentPaths } from '../agent-paths.ts';
import { formatIdentity, isRunning, parseIdentity, selfIdentity, type ProcessIdentity } from '../process-identity.ts';

export interface PendingConfirmation {
  token: string;
  /** The commit being confirmed (`null`: a drift correction of an unknown commit). */
  sha: string | null;
  reason: 'commit' | 'drift';
  /** Backend snapshot taken by the apply; `null` until the apply returned. */
  snapshot: string | null;
  /** Snapshot ids that existed before the apply: when the agent died inside the apply, the new
   * one is the apply's (see snapshot-ids.ts). */
  snapshotsBefore: string[];
  armedAt: number;
  /** When the timer fires (ms since the epoch). */
  firesAt: number;
  agent: string;
  timer: string | null;
  /** What the confirm checks expect (peers, neighbours): a rollback after the agent died checks them once. */
  expect?: { peers: string[]; neighbors: string[]; wgInterface: string };
}

// $1 = seconds, then the command. setsid (when present) takes the sleeper out of the agent's
// session so a signal to the agent's process group does not reach it.
const TIMER_SCRIPT =
  'if command -v setsid >/dev/null 2>&1; then s=setsid; else s=; fi; ' +
  '$s sh -c \'sleep "$1"; shift; exec "$@"\' dlan-rollback-timer "$@" </dev/null >/dev/null 2>&1 & echo $!';

export function newToken(): string {
  const part = () => Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
  return `${part()}${part()}${part()}`;
}

export async function readPending(host: Host, paths: AgentPaths): Promise<PendingConfirmation | null> {
  const text = await host.files.read(paths.pendingFile);
  if (text === null) return null;
  try {
    const p = JSON.parse(text) as PendingConfirmation;
    if (typeof p.token !== 'string' || !/^[0-9a-f]{8,64}$/.test(p.token)) throw new Error('bad token');
    return p;
  } catch {
    // A torn or damaged file still means an unconfirmed apply: roll back to the latest snapshot.
    return { token: 'damaged0', sha: null, reason: 'commit', snapshot: null, snapshotsBefore: [], armedAt: 0, firesAt: 0, agent: '', timer: null };
  }
}

async function writePending(host: Host, paths: AgentPaths, p: PendingConfirmation): Promise<void> {
  await host.files.write(paths.pendingFile, `${JSON.stringify(p, null, 1)}\n`, { mode: 0o600 });
}

/** Writes the pending confirmation, then starts the timer. Throws when the timer cannot start (then nothing may be applied). */
export async function armRollbackTimer(
  host: Host,
  paths: AgentPaths,
  selfArgv: readonly string[],
  p: { sha: string | null; reason: 'commit' | 'drift'; delaySeconds: number; snapshotsBefore: string[]; expect: PendingConfirmation['expect'] },
): Promise<PendingConfirmation> {
  const me = await selfIdentity(host);
  const token = newToken();
  const now = host.now();
  const pending: PendingConfirmation = {
    token,
    sha: p.sha,
    reason: p.reason,
    snapshot: null,
    snapshotsBefore: p.snapshotsBefore,
    armedAt: now,
    firesAt: now + p.delaySeconds * 1000,
    agent: formatIdentity(me),
    timer: null,
    expect: p.expect,
  };
  await host.files.remove(paths.pendingClaim);
  await writePending(host, paths, pending);
  const r = await host.exec('sh', ['-c', TIMER_SCRIPT, 'sh', String(p.delaySeconds), ...selfArgv, 'rollback', '--if-unconfirmed', token, '--root', paths.root], { timeoutMs: 10_000 });
  const pid = Number(r.stdout.trim());
  if (r.code !== 0 || !Number.isInteger(pid) || pid <= 0) {
    await host.files.remove(paths.pendingFile);
    throw new Error(`cannot start the rollback timer (sh exited ${r.code}): ${r.stderr.trim()}`);
  }
  const stat = await host.files.read(`/proc/${pid}/stat`);
  const startTime = stat ? stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] : undefined;
  pending.timer = startTime ? `${pid}:${startTime}` : `${pid}:0`;
  await writePending(host, paths, pending);
  return pending;
}

export async function recordSnapshot(host: Host, paths: AgentPaths, pending: PendingConfirmation, snapshot: string | null): Promise<void> {
  pending.snapshot = snapshot;
  await writePending(host, paths, pending);
}

/** Takes the decision for `token` (confirm or roll back). Only one caller ever gets `true`. */
export async function claimPending(host: Host, paths: AgentPaths, token: string): Promise<boolean> {
  if (await host.files.symlink(token, paths.pendingClaim)) return true;
  const current = await host.files.readlink(paths.pendingClaim).catch(() => null);
  if (current !== null && current !== token) {
    // A claim left from an older confirmation (crash between claim and cleanup): not ours to honour.
    const pending = await readPending(host, paths);
    if (pending?.token === token) {
      await host.files.remove(paths.pendingClaim);
      return host.files.symlink(token, paths.pendingClaim);
    }
  }
  return false;
}

/** Removes the pending file and the claim (after the decision was carried out). */
export async function clearPending(host: Host, paths: AgentPaths): Promise<void> {
  await host.files.remove(paths.pendingFile);
  await host.files.remove(paths.pendingClaim);
}

/** Stops the sleeping timer, when it is still the process we started (its argv holds the token). */
export async function stopTimer(host: Host, pending: PendingConfirmation): Promise<void> {
  const id = pending.timer ? parseIdentity(pending.timer) : null;
  if (!id) return;
  const cmdline = await host.files.read(`/proc/${id.pid}/cmdline`).catch(() => null);
  if (cmdline === null || !cmdline.split('\0').includes(pending.token)) return;
  await host.exec('kill', [String(id.pid)], { timeoutMs: 5000 });
}

/** Whether the agent that armed `pending` still runs (then it may still confirm). */
export async function armingAgentRuns(host: Host, pending: PendingConfirmation): Promise<boolean> {
  const id = parseIdentity(pending.agent);
  if (!id) return false;
  const me = await selfIdentity(host);
  if (id.pid === me.pid && id.startTime === me.startTime) return false;
  return isRunning(host, id as ProcessIdentity);
}

/** Waits (at most two minutes) until the pending confirmation is gone: its claimer is done. */
export async function waitForDecision(host: Host, paths: AgentPaths): Promise<void> {
  const until = host.now() + 120_000;
  while ((await readPending(host, paths)) !== null && host.now() < until) await host.sleep(250);
}
