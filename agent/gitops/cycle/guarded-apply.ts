// apply → confirm, with the out-of-process rollback timer armed for the whole window: the one
// way the cycle changes the router (a new commit, or drift on the applied one). When the change
// is not confirmed it is rolled back here and the rollback recorded at once.
import { StalePlanError, type ApplyResult, type PreparedChange } from '../../backend/backend.ts';
import type { DesiredState } from '../../slice/desired-state.ts';
import type { Host } from '../../host/host.ts';
import { confirmHealthy, expectedAfter, takeBaseline, type HealthBaseline } from '../probes/confirm-checks.ts';
import { networkHost } from '../probes/network-host.ts';
import { rollBackPending } from '../rollback/roll-back-pending.ts';
import { armRollbackTimer, claimPending, clearPending, recordSnapshot, stopTimer, type PendingConfirmation } from '../rollback/rollback-guard.ts';
import { shortSha } from '../agent-log.ts';
import type { SettledRecord } from '../agent-state.ts';
import { errorText, logPhase, settledRecord, timed, type Cycle } from './cycle-context.ts';

/**
 * `rolledBack: false`: the timer claimed the decision first (and rolls back itself). `stale`: the
 * router changed under two plans in a row; nothing was written, so nothing was rolled back.
 */
export type Guarded = { ok: true; applied: ApplyResult; settled: SettledRecord | null } | { ok: false; message: string; rolledBack: boolean; stale?: true };

/** The timer fires this long after the agent's own confirm deadline, so a live agent decides first. */
export function timerGraceSeconds(confirmTimeout: number): number {
  return Math.min(15, Math.max(2, Math.ceil(confirmTimeout / 4)));
}

/** `hold`: the confirm checks decided (the commit is held); an apply that threw (a host error) is not. */
async function rollBack(c: Cycle, pending: PendingConfirmation, message: string, hold: boolean): Promise<Guarded> {
  if (!(await claimPending(c.env.host, c.env.paths, pending.token))) return { ok: false, message, rolledBack: false };
  await timed(c, 'rollback', () => rollBackPending(c.env, pending, 'agent', message, (done) => c.rec.rollback(done), hold));
  return { ok: false, message, rolledBack: true };
}

/** Problems of the apply's own service actions, else of the confirm checks run on `net` (the router's network); [] = confirmed. */
async function confirmProblems(c: Cycle, net: Host, applied: ApplyResult, expected: HealthBaseline, wgInterface: string, deadline: number): Promise<string[]> {
  const failedActions = applied.ran.filter((r) => !r.ok);
  if (failedActions.length) return failedActions.map((r) => `${r.action.service} ${r.action.action} failed: ${r.output.split('\n')[0] ?? ''}`.trim());
  const { settings, deps } = c.env;
  const confirm = await timed(c, 'confirm', () =>
    confirmHealthy(net, deps.git, settings, expected, wgInterface, deadline, c.opts.confirmPollMs),
  );
  return confirm.ok ? [] : confirm.problems;
}

/**
 * Applies exactly the plan that was reported. When the router changed in between (the backend
 * refuses with StalePlanError, having written nothing) it is planned again once, said in the log,
 * and that plan is applied against what the router has now; a second StalePlanError is thrown.
 */
async function applyPrepared(c: Cycle, desired: DesiredState, prepared: PreparedChange, sha: string | null): Promise<ApplyResult> {
  try {
    return await c.backend.apply(prepared, c.bctx);
  } catch (e) {
    if (!(e instanceof StalePlanError)) throw e;
    c.env.log.log('warn', `phase=apply ${e.message}`, { commit: shortSha(sha) });
    const again = await timed(c, 'plan', () => c.backend.plan(desired, c.bctx));
    logPhase(c, 'plan', sha, { changes: again.changes.length, actions: again.actions.length, again: true });
    return c.backend.apply(again, c.bctx);
  }
}

/**
 * A plan of the confirmed router: when it finds nothing to do, what it read is what the next
 * no-op cycles compare (settled.ts). A plan, not a digest taken after the writes: a hand edit
 * made just after them could otherwise be taken for dlan's and never corrected.
 */
async function settle(c: Cycle, desired: DesiredState, sha: string): Promise<SettledRecord | null> {
  const plan = await timed(c, 'plan', () => c.backend.plan(desired, c.bctx)).catch(() => null);
  return plan && plan.changes.length === 0 ? settledRecord(c, sha, plan) : null;
}

/** Nothing was written: the timer is stopped and the confirmation cleared, no rollback. */
async function standDown(c: Cycle, pending: PendingConfirmation, message: string): Promise<Guarded> {
  const { host, paths } = c.env;
  if (!(await claimPending(host, paths, pending.token))) return { ok: false, message, rolledBack: false };
  await stopTimer(host, pending);
  await clearPending(host, paths);
  return { ok: false, message, rolledBack: false, stale: true };
}

export async function guardedApply(c: Cycle, desired: DesiredState, prepared: PreparedChange, sha: string | null, reason: 'commit' | 'drift'): Promise<Guarded> {
  const { host, paths, settings } = c.env;
  const wgInterface = desired.wireguard.interface;
  const net = await networkHost(host, settings.netns);
  const expected = expectedAfter(await timed(c, 'baseline', () => takeBaseline(net, settings, wgInterface)), desired);
  const pending = await armRollbackTimer(host, paths, c.env.deps.selfArgv, {
    sha,
    reason,
    delaySeconds: settings.confirmTimeout + timerGraceSeconds(settings.confirmTimeout),
    snapshotsBefore: await c.backend.snapshots(c.bctx),
    expect: { ...expected, wgInterface },
  });
  const deadline = pending.armedAt + settings.confirmTimeout * 1000;
  let applied: ApplyResult;
  try {
    applied = await timed(c, 'apply', () => applyPrepared(c, desired, prepared, sha));
  } catch (e) {
    logPhase(c, 'apply', sha, { ok: false });
    if (e instanceof StalePlanError) return standDown(c, pending, `the router changed while it was planned, twice (someone else is changing it): ${e.message}`);
    return rollBack(c, pending, `apply failed: ${errorText(e)}`, false);
  }
  await recordSnapshot(host, paths, pending, applied.snapshot);
  logPhase(c, 'apply', sha, { changes: applied.changes.length, actions: applied.ran.length, snapshot: applied.snapshot ?? 'none' });
  const problems = await confirmProblems(c, net, applied, expected, wgInterface, deadline);
  if (problems.length === 0) {
    if (!(await claimPending(host, paths, pending.token))) return { ok: false, message: 'the rollback timer fired before the change was confirmed', rolledBack: false };
    await stopTimer(host, pending);
    await clearPending(host, paths);
    logPhase(c, 'confirm', sha, { ok: true });
    return { ok: true, applied, settled: prepared.settled && sha ? await settle(c, desired, sha) : null };
  }
  logPhase(c, 'confirm', sha, { ok: false });
  return rollBack(c, pending, `not confirmed within ${settings.confirmTimeout}s: ${problems.join('; ')}`, true);
}
