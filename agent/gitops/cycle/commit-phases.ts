// A new head, as a list of phases (like Flux's reconcilers): fetch → verify → load → plan →
// apply+confirm. Each phase is a small function that fills in its part of the Work or ends the
// cycle with a CycleEnd; the list runs until one ends it. The fetch and verify phases are the
// seam for the git layer (fetch-commit.ts): they only ask it for a checked-out, verified commit.
import type { PreparedChange } from '../../backend/backend.ts';
import { GitError } from '../../host/git-client.ts';
import type { DesiredState } from '../../slice/desired-state.ts';
import { shortSha } from '../agent-log.ts';
import type { CommitRef } from '../agent-state.ts';
import { verifyCommitSignature } from '../verify-signature.ts';
import { errorText, logPhase, timed, type Cycle } from './cycle-context.ts';
import type { CycleEnd } from './cycle-end.ts';
import { heldCommit } from './decide-head.ts';
import { guardedApply } from './guarded-apply.ts';
import { loadDesired } from './load-phase.ts';

const FETCH_TIMEOUT_MS = 60_000;

export interface Work {
  sha: string;
  commit?: CommitRef;
  desired?: DesiredState;
  plan?: PreparedChange;
}

type Phase = { name: string; run: (c: Cycle, w: Work) => Promise<CycleEnd | null> };

/** fetch: the clone's work tree at the branch head (a race may have moved it past `w.sha`). */
async function fetchPhase(c: Cycle, w: Work): Promise<CycleEnd | null> {
  const { paths, settings, deps } = c.env;
  try {
    if ((await deps.git.localHead(paths.repoDir)) !== w.sha) {
      w.sha = await timed(c, 'fetch', () => deps.git.fetch(settings.repo, settings.branch, paths.repoDir, { timeoutMs: FETCH_TIMEOUT_MS }));
    }
  } catch (e) {
    return { kind: 'unreachable', reason: e instanceof GitError ? e.message : `git: ${errorText(e)}` };
  }
  logPhase(c, 'fetch', w.sha);
  const held = heldCommit(c.rec.state, w.sha, c.opts.retryFailed);
  return held ? { kind: 'held', sha: w.sha, failed: held } : null;
}

async function verifyPhase(c: Cycle, w: Work): Promise<CycleEnd | null> {
  const { host, paths, settings, deps } = c.env;
  w.commit = await deps.git.commitInfo(paths.repoDir, w.sha);
  const verdict = await timed(c, 'verify', () => verifyCommitSignature(host, deps.git, paths, settings, w.sha));
  if (!verdict.ok) return { kind: 'refused', sha: w.sha, phase: 'verify', reason: verdict.reason };
  if (settings.verify !== 'none') logPhase(c, 'verify', w.sha, { signer: verdict.signer || verdict.fingerprint });
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
  if (plan!.changes.length > 0) {
    await c.rec.report({ event: 'applying', sha, state: 'pending', description: `applying ${shortSha(sha)}: ${plan!.changes.length} change(s)` });
    const r = await guardedApply(c, w.desired!, plan!, sha, 'commit');
    if (!r.ok) {
      if (!r.rolledBack) await c.rec.takeOverFromTimer();
      return { kind: 'rolled-back', sha, message: r.message };
    }
    upstreamAnswers = r.applied.upstreamAnswers;
  }
  return { kind: 'applied', sha, commit: w.commit!, changes: plan!.changes.length, upstreamAnswers: upstreamAnswers ?? null, desired: w.desired! };
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
