// A new head, as a list of phases (like Flux's reconcilers): fetch → verify (→ ancestry) → load → plan →
// apply+confirm. Each phase is a small function that fills in its part of the Work or ends the
// cycle with a CycleEnd; the list runs until one ends it. The fetch and verify phases are the
// seam for the git layer (fetch-commit.ts): they only ask it for a checked-out, verified commit.
import type { PreparedChange } from '../../backend/backend.ts';
import { GitError } from '../../host/git-client.ts';
import type { DesiredState } from '../../slice/desired-state.ts';
import { shortSha } from '../agent-log.ts';
import type { CommitRef } from '../agent-state.ts';
import { fetchCommit, type FetchedCommit } from '../fetch-commit.ts';
import { errorText, logPhase, settledRecord, timed, type Cycle } from './cycle-context.ts';
import type { CycleEnd } from './cycle-end.ts';
import { heldCommit } from './decide-head.ts';
import { guardedApply } from './guarded-apply.ts';
import { loadDesired } from './load-phase.ts';

export interface Work {
  sha: string;
  /** What the git layer made of the head (fetch-commit.ts): the fetch, verify and ancestry verdicts. */
  fetched?: FetchedCommit;
  commit?: CommitRef;
  desired?: DesiredState;
  plan?: PreparedChange;
}

type Phase = { name: string; run: (c: Cycle, w: Work) => Promise<CycleEnd | null> };

/** fetch (+ verify + ancestry, in fetch-commit.ts): the verified head checked out in the clone (a race may have moved it past `w.sha`). */
async function fetchPhase(c: Cycle, w: Work): Promise<CycleEnd | null> {
  const { env } = c;
  const fetched = await fetchCommit(env, w.sha, c.rec.state.applied?.sha ?? null, {
    allowRewind: env.settings.allowRewind || c.opts.allowRewind === true,
    time: (phase, fn) => timed(c, phase, fn),
  });
  if (fetched.kind === 'error') {
    const e = fetched.error;
    return { kind: 'unreachable', reason: e instanceof GitError ? e.message : `git: ${errorText(e)}` };
  }
  w.sha = fetched.sha;
  w.fetched = fetched;
  logPhase(c, 'fetch', w.sha);
  if (fetched.kind === 'refused' && fetched.phase === 'fetch') return { kind: 'refused', sha: w.sha, phase: 'fetch', reason: fetched.reason };
  const held = heldCommit(c.rec.state, w.sha, c.opts.retryFailed);
  return held ? { kind: 'held', sha: w.sha, failed: held } : null;
}

/** verify: the verdicts fetch-commit.ts reached before checking anything out. */
async function verifyPhase(c: Cycle, w: Work): Promise<CycleEnd | null> {
  const { paths, settings, deps } = c.env;
  const fetched = w.fetched as Exclude<FetchedCommit, { kind: 'error' }>;
  // A router that cannot check signatures at all (`record: false`) has failed, not the commit: not held.
  if (fetched.kind === 'refused') return { kind: fetched.record === false ? 'failed' : 'refused', sha: w.sha, phase: fetched.phase, reason: fetched.reason };
  w.commit = await deps.git.commitInfo(paths.repoDir, w.sha);
  if (settings.verify !== 'none') logPhase(c, 'verify', w.sha, { signer: fetched.signer });
  return null;
}

async function loadPhase(c: Cycle, w: Work): Promise<CycleEnd | null> {
  const loaded = await loadDesired(c);
  if (!loaded.ok) return { kind: loaded.hostError ? 'failed' : 'refused', sha: w.sha, phase: loaded.phase, reason: loaded.reason };
  w.desired = loaded.desired;
  logPhase(c, 'load', w.sha);
  return null;
}

async function planPhase(c: Cycle, w: Work): Promise<CycleEnd | null> {
  try {
    w.plan = await timed(c, 'plan', () => c.backend.plan(w.desired!, c.bctx));
  } catch (e) {
    return { kind: 'failed', sha: w.sha, phase: 'plan', reason: errorText(e) };
  }
  logPhase(c, 'plan', w.sha, { changes: w.plan.changes.length, actions: w.plan.actions.length });
  return c.opts.stopping?.() ? { kind: 'stopping', sha: w.sha } : null;
}

/** apply + confirm (or roll back) when the plan changes anything; then the commit is applied. */
async function applyPhase(c: Cycle, w: Work): Promise<CycleEnd> {
  const { sha, plan } = w;
  let upstreamAnswers = plan!.upstreamAnswers;
  let settled = settledRecord(c, sha, plan!);
  if (plan!.changes.length > 0) {
    await c.rec.report({ event: 'applying', sha, state: 'pending', description: `applying ${shortSha(sha)}: ${plan!.changes.length} change(s)` });
    const r = await guardedApply(c, w.desired!, plan!, sha, 'commit');
    if (!r.ok) {
      if (r.stale) return { kind: 'stale', sha, reason: r.message };
      if (!r.rolledBack) await c.rec.takeOverFromTimer();
      return { kind: 'rolled-back', sha, message: r.message };
    }
    upstreamAnswers = r.applied.upstreamAnswers;
    settled = r.settled;
  }
  return { kind: 'applied', sha, commit: w.commit!, changes: plan!.changes.length, upstreamAnswers: upstreamAnswers ?? null, desired: w.desired!, settled };
}

const PHASES: readonly Phase[] = [
  { name: 'fetch', run: fetchPhase },
  { name: 'verify', run: verifyPhase },
  { name: 'load', run: loadPhase },
  { name: 'plan', run: planPhase },
];

/** Runs the phases for the head `sha` until one ends the cycle (apply always does). `enter` is told each phase first. */
export async function runCommitPhases(c: Cycle, sha: string, enter: (phase: string, sha: string) => Promise<void>): Promise<CycleEnd> {
  const w: Work = { sha };
  for (const phase of PHASES) {
    await enter(phase.name, w.sha);
    const end = await phase.run(c, w);
    if (end) return end;
  }
  await enter('apply', w.sha);
  return applyPhase(c, w);
}
