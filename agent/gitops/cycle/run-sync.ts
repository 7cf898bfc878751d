// One convergence cycle (`dlan-agent sync`, and every tick of `run`), under the sync lock:
//
//   finish a confirmation a dead agent left → ls-remote → (new commit) fetch → verify → load +
//   validate → slice → plan → arm rollback timer → apply → confirm | roll back → record → report
//   (same commit) → plan against the applied state: nothing to do = no write, no reload;
//                   drift = apply it again (guarded like any apply) and report it.
//
// A refused or rolled-back commit is recorded and not retried until the branch moves; the router
// keeps its last good config (and drift against it is still corrected).
import type { ApplyResult, Backend, BackendContext } from '../../backend/backend.ts';
import { loadConfigAt } from '../../cli/load-config-at.ts';
import { GitError } from '../../host/git-client.ts';
import { sliceRouter } from '../../slice/slice-router.ts';
import type { DesiredState } from '../../slice/desired-state.ts';
import { formatDiagnostic } from '../../validate/diagnostic.ts';
import { shortSha } from '../agent-log.ts';
import { isoTime, loadState, pushBounded, saveState, type AgentState, type AttemptResult, type CommitRef } from '../agent-state.ts';
import { readAppliedState, writeAppliedState } from './applied-state-cache.ts';
import { confirmHealthy, expectedAfter, takeBaseline } from '../probes/confirm-checks.ts';
import { performRollback } from '../rollback/perform-rollback.ts';
import { report, type ReportEvent } from '../status/report-status.ts';
import { armRollbackTimer, claimPending, clearPending, readPending, recordSnapshot, stopTimer } from '../rollback/rollback-guard.ts';
import { updateRunInfo } from '../run-file.ts';
import { listSnapshotIds } from '../rollback/snapshot-ids.ts';
import type { SyncEnv } from '../sync-env.ts';
import { acquireLock } from './sync-lock.ts';
import { verifyCommitSignature } from '../verify-signature.ts';

export interface SyncOptions {
  /** How long to wait for another sync holding the lock. */
  waitMs: number;
  /** Try the branch head even when it failed before. */
  retryFailed: boolean;
  mode: 'cron' | 'daemon' | 'manual';
  /** Pause between confirm checks (tests shorten it). */
  confirmPollMs?: number;
  /** Asked to stop (SIGTERM): finish what is running, start nothing new. */
  stopping?: () => boolean;
}

export interface SyncOutcome {
  result: AttemptResult | 'busy';
  exitCode: number;
  message: string;
  sha: string | null;
}

const FETCH_TIMEOUT_MS = 60_000;
const LS_REMOTE_TIMEOUT_MS = 30_000;
/** The timer fires this long after the agent's own confirm deadline, so a live agent decides first. */
export function timerGraceSeconds(confirmTimeout: number): number {
  return Math.min(15, Math.max(2, Math.ceil(confirmTimeout / 4)));
}

class Refusal extends Error {
  constructor(
    readonly phase: string,
    message: string,
  ) {
    super(message);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

interface Cycle {
  env: SyncEnv;
  opts: SyncOptions;
  state: AgentState;
  stateText: string | null;
  durations: Record<string, number>;
  backend: Backend;
  bctx: BackendContext;
  startedAt: number;
}

async function timed<T>(c: Cycle, phase: string, fn: () => Promise<T>): Promise<T> {
  const start = c.env.host.now();
  try {
    return await fn();
  } finally {
    c.durations[phase] = (c.durations[phase] ?? 0) + c.env.host.now() - start;
  }
}

function logPhase(c: Cycle, phase: string, sha: string | null, fields: Record<string, string | number | boolean> = {}): void {
  c.env.log.log('info', `phase=${phase}`, { commit: shortSha(sha), ms: c.durations[phase] ?? 0, ...fields });
}

async function send(c: Cycle, ev: ReportEvent): Promise<void> {
  await report(c.env.deps.http, c.env.settings, c.state, ev, c.env.log, isoTime(c.env.host.now()));
}

/** A pending confirmation whose agent is gone: nobody will confirm it, so roll it back now. */
async function finishAbandonedConfirmation(env: SyncEnv): Promise<void> {
  const pending = await readPending(env.host, env.paths);
  if (!pending) return;
  if (await claimPending(env.host, env.paths, pending.token)) {
    await performRollback(env, pending, 'recovery', 'the agent stopped before confirming the change (killed or rebooted)');
    return;
  }
  // The timer claimed it and is rolling back right now: let it finish.
  const until = env.host.now() + 120_000;
  while ((await readPending(env.host, env.paths)) !== null && env.host.now() < until) await env.host.sleep(250);
}

function relativeDiagnostics(text: string, repoDir: string): string {
  return text.split(`${repoDir}/`).join('');
}

/** Load + validate + slice the checked-out commit. Throws Refusal. */
async function desiredFromRepo(c: Cycle): Promise<DesiredState> {
  const { env } = c;
  const p = env.settings.path;
  const target = p === 'dlan.yaml' || p.endsWith('/dlan.yaml') ? `${env.paths.repoDir}/${p.slice(0, -'dlan.yaml'.length)}`.replace(/\/+$/, '') : `${env.paths.repoDir}/${p}`;
  const loaded = await timed(c, 'load', () => loadConfigAt(env.host, target));
  if (!loaded.ok) {
    const shown = loaded.diagnostics.slice(0, 5).map((d) => relativeDiagnostics(formatDiagnostic(d), env.paths.repoDir));
    const more = loaded.diagnostics.length > 5 ? ` (and ${loaded.diagnostics.length - 5} more)` : '';
    throw new Refusal('load', `invalid config: ${shown.join('; ')}${more}`);
  }
  try {
    return await timed(c, 'slice', async () => sliceRouter(loaded.config, env.settings.router));
  } catch (e) {
    throw new Refusal('slice', errorText(e));
  }
}

type GuardedResult = { ok: true; applied: ApplyResult } | { ok: false; message: string; lostClaim: boolean };

/** Apply with the rollback timer armed, then confirm or roll back. */
async function guardedApply(c: Cycle, desired: DesiredState, sha: string | null, reason: 'commit' | 'drift'): Promise<GuardedResult> {
  const { env } = c;
  const { host, paths, settings } = env;
  const baseline = await timed(c, 'baseline', () => takeBaseline(host, settings, desired.wireguard.interface));
  const pending = await armRollbackTimer(host, paths, env.deps.selfArgv, {
    sha,
    reason,
    delaySeconds: settings.confirmTimeout + timerGraceSeconds(settings.confirmTimeout),
    snapshotsBefore: await listSnapshotIds(host, paths.root),
  });
  const deadline = pending.armedAt + settings.confirmTimeout * 1000;
  let applied: ApplyResult;
  try {
    applied = await timed(c, 'apply', () => c.backend.apply(desired, c.bctx));
  } catch (e) {
    const message = `apply failed: ${errorText(e)}`;
    logPhase(c, 'apply', sha, { ok: false });
    if (await claimPending(host, paths, pending.token)) await performRollback(env, pending, 'agent', message);
    return { ok: false, message, lostClaim: false };
  }
  await recordSnapshot(host, paths, pending, applied.snapshot);
  logPhase(c, 'apply', sha, { changes: applied.changes.length, actions: applied.ran.length, snapshot: applied.snapshot ?? 'none' });
  const failedActions = applied.ran.filter((r) => !r.ok);
  let problems: string[] = failedActions.map((r) => `${r.action.service} ${r.action.action} failed: ${r.output.split('\n')[0] ?? ''}`.trim());
  if (problems.length === 0) {
    const confirm = await timed(c, 'confirm', () =>
      confirmHealthy(host, env.deps.git, settings, expectedAfter(baseline, desired), desired.wireguard.interface, deadline, c.opts.confirmPollMs),
    );
    if (confirm.ok) {
      if (!(await claimPending(host, paths, pending.token))) {
        return { ok: false, message: 'the rollback timer fired before the change was confirmed', lostClaim: true };
      }
      await stopTimer(host, pending);
      await clearPending(host, paths);
      logPhase(c, 'confirm', sha, { ok: true });
      return { ok: true, applied };
    }
    problems = confirm.problems;
  }
  const message = `not confirmed within ${settings.confirmTimeout}s: ${problems.join('; ')}`;
  logPhase(c, 'confirm', sha, { ok: false });
  if (!(await claimPending(host, paths, pending.token))) return { ok: false, message, lostClaim: true };
  await timed(c, 'rollback', () => performRollback(env, pending, 'agent', message));
  return { ok: false, message, lostClaim: false };
}

/** The state written by performRollback is the truth after a rollback: take it over. */
async function reloadState(c: Cycle): Promise<void> {
  const loaded = await loadState(c.env.host, c.env.paths.stateFile);
  c.state = loaded.state;
  c.stateText = loaded.text;
}

function attempt(c: Cycle, sha: string | null, result: AttemptResult, phase: string, message: string): void {
  const total = c.env.host.now() - c.startedAt;
  c.state.lastAttempt = { sha, at: isoTime(c.env.host.now()), result, phase, message, durations: { ...c.durations, total } };
}

/** Checks the router against the desired state of the applied commit and corrects drift. */
type DriftOutcome = { corrected: false; failed: string | null } | { corrected: true; failed: null; result: 'drift-corrected' | 'upstreams-updated' };

async function correctDrift(c: Cycle): Promise<DriftOutcome> {
  const { env, state } = c;
  const applied = state.applied;
  if (!applied) return { corrected: false, failed: null };
  let desired = await readAppliedState(env.host, env.paths.appliedStateFile, applied.sha, env.version);
  if (!desired && (await env.deps.git.localHead(env.paths.repoDir)) === applied.sha) {
    try {
      desired = await desiredFromRepo(c);
      await writeAppliedState(env.host, env.paths.appliedStateFile, applied.sha, env.version, desired);
    } catch {
      desired = null;
    }
  }
  if (!desired) {
    env.log.log('warn', 'drift check skipped: the applied commit is no longer available locally', { commit: shortSha(applied.sha) });
    return { corrected: false, failed: null };
  }
  let plan;
  try {
    plan = await timed(c, 'plan', () => c.backend.plan(desired, c.bctx));
  } catch (e) {
    return { corrected: false, failed: `drift check failed: ${errorText(e)}` };
  }
  logPhase(c, 'plan', applied.sha, { changes: plan.changes.length });
  if (plan.changes.length === 0) return { corrected: false, failed: null };
  const targets = plan.changes.map((ch) => `${ch.kind} ${ch.target}`);
  // A name an upstream points at now answers differently: the nginx config follows DNS by design,
  // so this is reported as such (info), not as someone having changed the router (warn).
  const moved = changedAnswers(state.upstreamAnswers, plan.upstreamAnswers);
  if (moved.length > 0) {
    env.log.log('info', `upstreams changed: ${moved.join('; ')}; rewriting ${targets.join(', ')}`, { commit: shortSha(applied.sha) });
  } else {
    env.log.log('warn', `drift: ${plan.changes.length} owned item(s) differ from commit ${shortSha(applied.sha)}: ${targets.slice(0, 10).join(', ')}`, { commit: shortSha(applied.sha) });
  }
  if (c.opts.stopping?.()) return { corrected: false, failed: null };
  const r = await guardedApply(c, desired, applied.sha, 'drift');
  if (!r.ok) {
    await reloadState(c);
    return { corrected: false, failed: `${moved.length > 0 ? 'upstream update' : 'drift correction'} ${r.message}` };
  }
  c.state.upstreamAnswers = r.applied.upstreamAnswers ?? null;
  const at = isoTime(env.host.now());
  if (moved.length > 0) {
    c.state.drift = { at, sha: applied.sha, changes: targets, cause: 'upstreams', upstreams: moved };
    await send(c, { event: 'upstreams-changed', sha: applied.sha, state: 'success', description: `upstreams changed: ${moved.join('; ')}`, forge: false });
  } else {
    c.state.drift = { at, sha: applied.sha, changes: targets, cause: 'drift' };
    await send(c, { event: 'drift-corrected', sha: applied.sha, state: 'success', description: `drift corrected: ${targets.length} item(s)`, forge: false });
  }
  return { corrected: true, failed: null, result: moved.length > 0 ? 'upstreams-updated' : 'drift-corrected' };
}

/** `name: old → new` for each upstream name whose answer differs from the last apply's. */
export function changedAnswers(before: Record<string, string[]> | null, now: Record<string, string[]> | undefined): string[] {
  if (!before || !now) return [];
  const show = (a: string[] | undefined) => (a && a.length > 0 ? a.join(' ') : 'unresolved');
  return Object.keys(now)
    .sort()
    .filter((name) => name in before && show(before[name]) !== show(now[name]))
    .map((name) => `${name}: ${show(before[name])} → ${show(now[name])}`);
}

async function refuse(c: Cycle, sha: string, phase: string, reason: string): Promise<void> {
  const at = isoTime(c.env.host.now());
  c.state.failedCommits = pushBounded(
    c.state.failedCommits.filter((f) => f.sha !== sha),
    { sha, at, phase, reason },
  );
  c.state.lastError = { sha, at, phase, reason };
  c.state.consecutiveFailures += 1;
  c.env.log.log('error', `phase=${phase} refused commit ${shortSha(sha)}: ${reason}`, { commit: shortSha(sha) });
  await send(c, { event: 'refused', sha, state: 'failure', description: `refused (${phase}): ${reason}` });
}

async function newCommit(c: Cycle, remoteSha: string): Promise<SyncOutcome> {
  const { env } = c;
  const { host, paths, settings, deps } = env;
  let sha = remoteSha;
  // fetch
  try {
    if ((await deps.git.localHead(paths.repoDir)) !== sha) {
      sha = await timed(c, 'fetch', () => deps.git.fetch(settings.repo, settings.branch, paths.repoDir, { timeoutMs: FETCH_TIMEOUT_MS }));
    }
  } catch (e) {
    return fetchFailed(c, e);
  }
  logPhase(c, 'fetch', sha);
  if (c.state.failedCommits.some((f) => f.sha === sha) && !c.opts.retryFailed) return skipFailed(c, sha);
  let info: CommitRef;
  try {
    info = await deps.git.commitInfo(paths.repoDir, sha);
    const verdict = await timed(c, 'verify', () => verifyCommitSignature(host, deps.git, paths, settings, sha));
    if (!verdict.ok) throw new Refusal('verify', verdict.reason);
    if (settings.verify !== 'none') logPhase(c, 'verify', sha, { signer: verdict.signer || verdict.fingerprint });
    const desired = await desiredFromRepo(c);
    logPhase(c, 'load', sha);
    const plan = await timed(c, 'plan', () => c.backend.plan(desired, c.bctx)).catch((e: unknown) => {
      throw new Refusal('plan', errorText(e));
    });
    logPhase(c, 'plan', sha, { changes: plan.changes.length, actions: plan.actions.length });
    if (c.opts.stopping?.()) return finish(c, sha, 'skipped', 'plan', 'stopping: not applying');
    let upstreamAnswers = plan.upstreamAnswers;
    if (plan.changes.length > 0) {
      await send(c, { event: 'applying', sha, state: 'pending', description: `applying ${shortSha(sha)}: ${plan.changes.length} change(s)` });
      const r = await guardedApply(c, desired, sha, 'commit');
      if (!r.ok) {
        await reloadState(c);
        return { result: 'rolled-back', exitCode: 1, message: r.message, sha };
      }
      upstreamAnswers = r.applied.upstreamAnswers;
    }
    c.state.upstreamAnswers = upstreamAnswers ?? null;
    await writeAppliedState(host, paths.appliedStateFile, sha, env.version, desired);
    const recovered = c.state.consecutiveFailures > 0;
    c.state.applied = { ...info, appliedAt: isoTime(host.now()) };
    c.state.consecutiveFailures = 0;
    c.state.lastError = null;
    c.state.failedCommits = c.state.failedCommits.filter((f) => f.sha !== sha);
    const description = plan.changes.length ? `applied ${shortSha(sha)}: ${plan.changes.length} change(s)` : `applied ${shortSha(sha)}: router already matched`;
    await send(c, { event: recovered ? 'recovered' : 'applied', sha, state: 'success', description });
    return finish(c, sha, 'applied', plan.changes.length ? 'confirm' : 'plan', description);
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    await refuse(c, sha, e.phase, e.message);
    const drift = await correctDrift(c);
    return finish(c, sha, 'refused', e.phase, `refused ${shortSha(sha)}: ${e.message}${drift.corrected ? ' (drift on the applied commit corrected)' : ''}`);
  }
}

async function skipFailed(c: Cycle, sha: string): Promise<SyncOutcome> {
  const failed = c.state.failedCommits.find((f) => f.sha === sha)!;
  c.env.log.log('info', `phase=decide commit ${shortSha(sha)} failed before (${failed.phase}); waiting for the branch to move`, { commit: shortSha(sha) });
  const drift = await correctDrift(c);
  const message = `head ${shortSha(sha)} failed before: ${failed.reason}`;
  return finish(c, sha, drift.corrected ? drift.result : 'skipped', 'decide', message, { keepAttempt: !drift.corrected });
}

async function fetchFailed(c: Cycle, e: unknown): Promise<SyncOutcome> {
  const reason = e instanceof GitError ? e.message : `git: ${errorText(e)}`;
  const at = isoTime(c.env.host.now());
  c.state.lastError = { sha: null, at, phase: 'fetch', reason };
  c.state.consecutiveFailures += 1;
  c.env.log.log('error', `phase=fetch ${reason}`, { ms: c.durations.fetch ?? 0 });
  await send(c, { event: 'error', sha: c.state.applied?.sha ?? '', state: 'failure', description: reason, forge: false });
  // The remote is out of reach, the router is not: keep correcting drift against the last good commit.
  const drift = await correctDrift(c);
  return finish(c, null, 'error', 'fetch', `${reason}${drift.corrected ? ' (drift corrected)' : ''}`);
}

function finish(c: Cycle, sha: string | null, result: AttemptResult, phase: string, message: string, opts: { keepAttempt?: boolean } = {}): SyncOutcome {
  if (!opts.keepAttempt) attempt(c, sha, result, phase, message);
  const ok = result === 'applied' || result === 'unchanged' || result === 'drift-corrected' || result === 'upstreams-updated';
  return { result, exitCode: ok ? 0 : 1, message, sha };
}

async function sameCommit(c: Cycle, sha: string): Promise<SyncOutcome> {
  const drift = await correctDrift(c);
  if (drift.failed) {
    c.state.lastError = { sha, at: isoTime(c.env.host.now()), phase: 'drift', reason: drift.failed };
    return finish(c, sha, 'error', 'drift', drift.failed);
  }
  if (drift.corrected) {
    const what = drift.result === 'upstreams-updated' ? 'nginx follows changed upstream answers' : 'drift corrected';
    return finish(c, sha, drift.result, 'confirm', `${what} on ${shortSha(sha)}`);
  }
  // The cheap path: nothing changes on disk. The attempt is recorded only when it differs from
  // the last one (first success after a failure), so a quiet router never writes to flash.
  const last = c.state.lastAttempt;
  const quiet = last?.sha === sha && ['applied', 'unchanged', 'drift-corrected', 'upstreams-updated'].includes(last.result) && c.state.consecutiveFailures === 0 && c.state.lastError === null;
  if (c.state.consecutiveFailures > 0 || c.state.lastError) {
    c.state.consecutiveFailures = 0;
    c.state.lastError = null;
    await send(c, { event: 'recovered', sha, state: 'success', description: `in sync with ${shortSha(sha)}`, forge: false });
  }
  return finish(c, sha, 'unchanged', 'plan', `in sync with ${shortSha(sha)}`, { keepAttempt: quiet });
}

async function cycle(env: SyncEnv, opts: SyncOptions, startedAt: number): Promise<SyncOutcome> {
  const { host, paths, settings, deps, log } = env;
  await finishAbandonedConfirmation(env);
  const loaded = await loadState(host, paths.stateFile);
  if (loaded.recovered) log.log('warn', loaded.recovered);
  const backend = await deps.selectBackend(host, paths.root);
  const c: Cycle = {
    env,
    opts,
    state: loaded.state,
    stateText: loaded.text,
    durations: {},
    backend,
    bctx: { host, root: paths.root, reload: env.reload },
    startedAt,
  };
  if (c.state.router !== settings.router) {
    if (c.state.router !== null) log.log('warn', `state.json was written for router ${c.state.router}, now ${settings.router}`);
    c.state.router = settings.router;
  }
  let outcome: SyncOutcome;
  try {
    let remoteSha: string | null = null;
    try {
      remoteSha = await timed(c, 'fetch', () => deps.git.remoteHead(settings.repo, settings.branch, { timeoutMs: LS_REMOTE_TIMEOUT_MS }));
    } catch (e) {
      outcome = await fetchFailed(c, e);
    }
    if (remoteSha !== null) {
      await updateRunInfo(host, paths.runFile, { remoteCheckedAt: isoTime(host.now()) });
      if (c.state.remote?.sha !== remoteSha) c.state.remote = { sha: remoteSha, checkedAt: isoTime(host.now()) };
      if (remoteSha === c.state.applied?.sha) outcome = await sameCommit(c, remoteSha);
      else if (c.state.failedCommits.some((f) => f.sha === remoteSha) && !opts.retryFailed) outcome = await skipFailed(c, remoteSha);
      else outcome = await newCommit(c, remoteSha);
    }
  } catch (e) {
    // An unexpected failure (a bug, a full disk): record it, keep the last good config.
    const reason = errorText(e);
    c.state.lastError = { sha: null, at: isoTime(host.now()), phase: 'internal', reason };
    c.state.consecutiveFailures += 1;
    log.log('error', `sync failed: ${reason}`);
    outcome = finish(c, null, 'error', 'internal', reason);
  }
  await saveState(host, paths.stateFile, c.state, c.stateText);
  return outcome!;
}

export async function runSync(env: SyncEnv, opts: SyncOptions): Promise<SyncOutcome> {
  const { host, paths, log } = env;
  const startedAt = host.now();
  const lock = await acquireLock(host, paths.lock, { waitMs: opts.waitMs });
  if (!lock.ok) {
    const message = `another sync is running (pid ${lock.holder?.pid ?? '?'}); not starting a second one`;
    log.log('info', message);
    return { result: 'busy', exitCode: 0, message, sha: null };
  }
  let outcome: SyncOutcome | null = null;
  try {
    outcome = await cycle(env, opts, startedAt);
    return outcome;
  } finally {
    await lock.lock.release();
    const durationMs = host.now() - startedAt;
    await updateRunInfo(host, paths.runFile, {
      lastRun: outcome ? { at: isoTime(host.now()), result: outcome.result, sha: outcome.sha, durationMs, message: outcome.message } : null,
      mode: opts.mode,
    }).catch(() => undefined);
    log.log(outcome && outcome.exitCode === 0 ? 'info' : 'warn', `phase=done result=${outcome?.result ?? 'error'}`, { commit: shortSha(outcome?.sha), ms: durationMs });
    await log.flush();
  }
}
