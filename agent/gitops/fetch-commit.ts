// The "fetch" and "verify" phases of a sync for a new head, ordered so that nothing unchecked takes
// room or reaches the work tree:
//
//   fetch the head's objects (no checkout) into a fresh repo.incoming, stopped beyond max_repo_mb
//   → verify the commit's signature → check it descends from the applied commit (deepening the
//   shallow history as needed) → measure what its checkout would write (files, folders, bytes)
//   from the objects, against max_repo_mb → check it out → it replaces the repo folder.
//
// Anything refused, failed or too large is removed at once: a hostile forge cannot leave data in
// /var/lib/dlan (RAM on OpenWrt), and a new fetch always starts from an empty folder.
import { GitError } from '../host/git-client.ts';
import type { Host } from '../host/host.ts';
import { checkAncestry, FIRST_DEPTH } from './check-ancestry.ts';
import { checkCheckoutSize } from './check-checkout-size.ts';
import type { SyncEnv } from './sync-env.ts';
import { verifyCommitSignature } from './verify-signature.ts';

export type FetchedCommit =
  /** Verified and checked out in repoDir. */
  | { kind: 'ok'; sha: string; signer: string }
  /**
   * Refused, and recorded: not tried again until the branch moves; except (`record: false`) when
   * the router cannot check signatures at all (verifier missing), which says nothing about the commit.
   */
  | { kind: 'refused'; sha: string; phase: 'fetch' | 'verify' | 'ancestry' | 'checkout'; reason: string; record?: false }
  /** The remote or git failed (unreachable, missing branch…). */
  | { kind: 'error'; error: unknown };

export interface FetchCommitOptions {
  /** Accept a head that does not descend from the applied commit. */
  allowRewind: boolean;
  /** Times a phase (the caller's phase durations). */
  time: <T>(phase: string, fn: () => Promise<T>) => Promise<T>;
}

const FETCH_TIMEOUT_MS = 60_000;

/** rm/mv with an argument list (Host.files has no recursive remove or rename). */
async function files(host: Host, program: 'rm' | 'mv', args: string[]): Promise<void> {
  const r = await host.exec(program, args);
  if (r.code !== 0) throw new Error(`${program}: ${r.stderr.trim()}`);
}

const removeTree = (host: Host, dir: string) => files(host, 'rm', ['-rf', '--', dir]);

/** `remoteSha`: the head ls-remote saw; `applied`: the applied commit, if any. */
export async function fetchCommit(env: SyncEnv, remoteSha: string, applied: string | null, opts: FetchCommitOptions): Promise<FetchedCommit> {
  const { host, paths, settings } = env;
  const { git } = env.deps;
  const dir = `${paths.repoDir}.incoming`; // /var/lib/dlan/repo.incoming
  const fetchOpts = { timeoutMs: FETCH_TIMEOUT_MS, maxBytes: settings.maxRepoBytes };
  let sha = remoteSha;
  let accepted = false;
  try {
    await removeTree(host, dir); // what an interrupted run left
    sha = await opts.time('fetch', () => git.fetchObjects(settings.repo, settings.branch, dir, { ...fetchOpts, depth: FIRST_DEPTH }));
    const verdict = await opts.time('verify', () => verifyCommitSignature(host, git, paths, settings, sha, dir));
    if (!verdict.ok) return { kind: 'refused', sha, phase: 'verify', reason: verdict.reason, ...(verdict.unverifiable ? { record: false as const } : {}) };
    if (applied !== null && applied !== sha && !opts.allowRewind) {
      const deepen = async (commits: number) => void (await git.fetchObjects(settings.repo, settings.branch, dir, { ...fetchOpts, deepen: commits }));
      const ancestry = await opts.time('ancestry', () => checkAncestry(git, dir, applied, sha, deepen));
      if (!ancestry.ok) return { kind: 'refused', sha, phase: 'ancestry', reason: ancestry.reason };
    }
    // A small pack can expand at checkout (zeros, many files, a tree repeated under itself).
    const size = await checkCheckoutSize(git, dir, sha, settings.maxRepoBytes);
    if (!size.ok) return { kind: 'refused', sha, phase: 'checkout', reason: size.reason };
    await git.checkout(dir, sha, { timeoutMs: FETCH_TIMEOUT_MS });
    await removeTree(host, paths.repoDir);
    await files(host, 'mv', ['--', dir, paths.repoDir]);
    accepted = true;
    return { kind: 'ok', sha, signer: verdict.signer || verdict.fingerprint };
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    // Too large is a property of this commit: recorded like any refusal, so it is not downloaded again.
    if (e.kind === 'too-large') return { kind: 'refused', sha, phase: 'fetch', reason: e.message };
    return { kind: 'error', error: e };
  } finally {
    if (!accepted) await removeTree(host, dir).catch(() => undefined);
  }
}
