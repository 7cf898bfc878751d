// Replay protection: a router only moves forward. A new head must descend from the applied
// commit; an older commit (a forge replaying a commit signed long ago, re-opening what was since
// removed) or a rewritten history is refused unless the router's own settings or its admin allow
// it. The fetch is shallow, so history is deepened step by step until the applied commit shows up,
// the history ends, or a bound is reached (then the head is refused too: fail closed).
import type { GitClient } from '../host/git-client.ts';
import { shortSha } from './agent-log.ts';

/** The first fetch brings this many commits: enough when the head is one commit ahead. */
export const FIRST_DEPTH = 2;
/** Commits searched for the applied one before giving up (the size bound applies as well). */
export const MAX_HISTORY_COMMITS = 1024;

export type AncestryVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Whether `head` descends from `applied` in the repository `dir`, which holds `head`'s history
 * FIRST_DEPTH commits deep; `deepen(n)` fetches n more commits of it.
 */
export async function checkAncestry(git: GitClient, dir: string, applied: string, head: string, deepen: (commits: number) => Promise<void>): Promise<AncestryVerdict> {
  for (let depth = FIRST_DEPTH; ; depth *= 2) {
    if (await git.isAncestor(dir, applied, head)) return { ok: true };
    // The whole history is here, or the search bound is reached: not a descendant as far as we can tell.
    if (!(await git.isShallow(dir)) || depth >= MAX_HISTORY_COMMITS) {
      return {
        ok: false,
        reason: `${shortSha(head)} does not descend from the applied commit ${shortSha(applied)} (within ${MAX_HISTORY_COMMITS} commits): an older commit or a rewritten history; allow_rewind or \`sync --allow-rewind\` accepts it`,
      };
    }
    await deepen(depth);
  }
}
