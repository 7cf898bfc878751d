// What a checkout would write, measured from the fetched objects before anything is written. The
// fetch is bounded by max_repo_mb, but a small pack can expand at checkout: zeros or repeated text
// compress to almost nothing, and a tree can name the same subtree many times (a "git bomb":
// ten levels of ten copies are 10^10 files from ten small trees). On OpenWrt the repo folder is
// RAM, so a commit beyond these bounds is refused and never checked out.
//
// Each distinct tree is listed once (`git ls-tree`, never recursive) and its totals reused wherever
// it appears again, so a bomb costs one listing per level. The work is bounded too: at most
// MAX_CHECKOUT_FOLDERS + 1 listings, no tree object over MAX_LISTING_BYTES listed, nothing deeper
// than MAX_CHECKOUT_DEPTH, and it stops as soon as the distinct trees read so far pass a bound.
import { GitError, type GitClient } from '../host/git-client.ts';

/** Files (and symlinks, checked out as plain files) a config repo may hold. */
export const MAX_CHECKOUT_FILES = 10_000;
/** Folders (and submodules, checked out as empty folders). */
export const MAX_CHECKOUT_FOLDERS = 1_000;
/** Folders within folders. */
export const MAX_CHECKOUT_DEPTH = 32;
/** The tree object of one folder (10 000 entries of 60-character names take 880 KB). */
const MAX_LISTING_BYTES = 1 << 20;
/** What a file or folder takes at least: one page of tmpfs, one block of most file systems. */
const BLOCK = 4096;

interface Tally {
  files: number;
  folders: number;
  /** In whole blocks. */
  bytes: number;
  /** Levels of folders inside. */
  height: number;
}

export type CheckoutVerdict = { ok: true } | { ok: false; reason: string };

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const describe = (t: Tally) => `${(t.bytes / 1048576).toFixed(1)} MB in ${count(t.files, 'file')} and ${count(t.folders, 'folder')}, counted in ${BLOCK / 1024} KB blocks`;

/** Whether checking `sha` out of `dir` would write at most `maxBytes` (max_repo_mb) and the counts above. */
export async function checkCheckoutSize(git: GitClient, dir: string, sha: string, maxBytes: number): Promise<CheckoutVerdict> {
  const known = new Map<string, Tally>();
  // The listings so far, each distinct tree once: never more than the checkout holds.
  const seen: Tally = { files: 0, folders: 0, bytes: 0, height: 0 };
  const over = (t: Tally) =>
    [
      t.bytes > maxBytes ? `more than max_repo_mb (${Math.round(maxBytes / 1048576)} MB)` : '',
      t.files > MAX_CHECKOUT_FILES ? `more than ${MAX_CHECKOUT_FILES} files` : '',
      t.folders > MAX_CHECKOUT_FOLDERS ? `more than ${MAX_CHECKOUT_FOLDERS} folders` : '',
    ].filter(Boolean).join(', ');
  const stop = (why: string) => new GitError(why, 'too-large');

  async function measure(tree: string, path: string, depth: number): Promise<Tally> {
    const done = known.get(tree);
    if (depth + (done?.height ?? 0) > MAX_CHECKOUT_DEPTH) throw stop(`folders nested more than ${MAX_CHECKOUT_DEPTH} deep (${path.slice(0, 80)}…)`);
    if (done) return done;
    const entries = await git.listTree(dir, tree, MAX_LISTING_BYTES);
    const t: Tally = { files: 0, folders: 0, bytes: 0, height: 0 };
    for (const e of entries) {
      if (e.type === 'blob') t.files++;
      else t.folders++; // a folder, or a submodule (an empty folder)
      t.bytes += Math.max(BLOCK, Math.ceil(e.size / BLOCK) * BLOCK);
    }
    seen.files += t.files;
    seen.folders += t.folders;
    seen.bytes += t.bytes;
    if (over(seen)) throw stop(`at least ${describe(seen)}: ${over(seen)}`);
    for (const e of entries) {
      if (e.type !== 'tree') continue;
      const sub = await measure(e.sha, `${path}${e.name}/`, depth + 1);
      t.files += sub.files;
      t.folders += sub.folders;
      t.bytes += sub.bytes;
      t.height = Math.max(t.height, sub.height + 1);
    }
    known.set(tree, t);
    return t;
  }

  let what: string;
  try {
    const total = await measure(sha, '', 0);
    if (!over(total)) return { ok: true };
    what = `${describe(total)}: ${over(total)}`;
  } catch (e) {
    if (!(e instanceof GitError) || e.kind !== 'too-large') throw e;
    what = e.message;
  }
  return { ok: false, reason: `checking it out would write ${what}; refused before writing anything (bounds in docs/gitops.md)` };
}
