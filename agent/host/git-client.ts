// What the GitOps agent needs from git, and nothing more. One implementation, exec-git.ts, runs
// the `git` program through the Host and so works on node and under QuickJS alike.
//
// URLs come from the local agent settings (https, ssh or file). Implementations must pass them
// after `--`, never through a shell, never prompt (no TTY on a router), and keep credentials that
// may sit in a URL (`https://user:token@host/…`) out of every error message (see redactUrl).

export interface GitCommitInfo {
  sha: string;
  subject: string;
  author: string;
  /** Committer date, ISO 8601. */
  date: string;
}

/** Where the trust list for signature checks lives (always written from the local settings). */
export type GitTrust =
  | { kind: 'ssh'; allowedSignersFile: string }
  | { kind: 'gpg'; gnupgHome: string };

export interface GitVerifyResult {
  /**
   * git's `%G?`: `G` good (ssh: key in the allowed signers; gpg: valid key), `U` good signature
   * by a key of unknown validity, `N` no signature, `B` bad, `E` cannot be checked (key
   * missing), `X`/`Y`/`R` expired or revoked.
   */
  verdict: string;
  /** Fingerprint of the signing key (`%GF`): `SHA256:…` for ssh, hex for gpg. */
  fingerprint: string;
  /** gpg: fingerprint of the primary key (`%GP`); empty for ssh. */
  primaryFingerprint: string;
  /** Signer (`%GS`): the allowed-signers principal for ssh, the user id for gpg. */
  signer: string;
}

export class GitError extends Error {
  constructor(
    message: string,
    /**
     * `unreachable`: the remote could not be reached (network, DNS, auth); `missing`: the branch
     * does not exist; `too-large`: a fetch outgrew its size bound and was stopped (or a tree was too large to list).
     */
    readonly kind: 'unreachable' | 'missing' | 'too-large' | 'failed' = 'failed',
  ) {
    super(message);
    this.name = 'GitError';
  }
}

/** One entry of a tree: a file (`blob`, symlinks too), a folder (`tree`) or a submodule (`commit`). */
export interface GitTreeEntry {
  type: string;
  sha: string;
  /** Bytes of a blob; 0 for a folder or a submodule. */
  size: number;
  name: string;
}

/** How much history a fetch brings: `depth` commits from the head, or `deepen` more than the present history. */
export type GitFetchOptions = ({ depth: number } | { deepen: number }) & {
  timeoutMs: number;
  /** The object store may not grow beyond this: the fetch is stopped while running (GitError `too-large`). */
  maxBytes: number;
};

export interface GitClient {
  /** The commit the remote branch points at (`git ls-remote`), without fetching anything. */
  remoteHead(url: string, branch: string, opts: { timeoutMs: number }): Promise<string>;
  /**
   * Fetches the branch head's commits and objects into the repository `dir` (created when absent)
   * without checking anything out: shallow, no tags, forced (a moved branch is
   * followed). Returns the fetched commit.
   */
  fetchObjects(url: string, branch: string, dir: string, opts: GitFetchOptions): Promise<string>;
  /** Whether `ancestor` is reachable from `descendant` in the history present in `dir` (false when either is absent). */
  isAncestor(dir: string, ancestor: string, descendant: string): Promise<boolean>;
  /** Whether the history in `dir` is cut off (more commits exist behind it on the remote). */
  isShallow(dir: string): Promise<boolean>;
  /**
   * Checks `sha` out detached in `dir`, symlinks as plain files (the repo is untrusted: a link
   * must not make the agent read outside it), untracked files removed.
   */
  checkout(dir: string, sha: string, opts: { timeoutMs: number }): Promise<void>;
  /**
   * The entries of one tree (for a commit: its root tree), read from the objects: nothing is
   * written. A tree object larger than `maxBytes` is not listed (GitError `too-large`).
   */
  listTree(dir: string, tree: string, maxBytes: number): Promise<GitTreeEntry[]>;
  /** The commit checked out in `dir`; `null` when `dir` is not a clone (yet). */
  localHead(dir: string): Promise<string | null>;
  commitInfo(dir: string, sha: string): Promise<GitCommitInfo>;
  verifyCommit(dir: string, sha: string, trust: GitTrust, opts: { timeoutMs: number }): Promise<GitVerifyResult>;
}

/** Hides the user-info part of a URL (`https://user:token@host` → `https://***@host`). */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}

/** git's words for a remote it could not reach (network, DNS, auth, missing repo, deadline). */
const UNREACHABLE = [
  /could not resolve host/i,
  /unable to access/i,
  /could not read from remote repository/i,
  /connection (refused|timed out|reset)/i,
  /does not appear to be a git repository/i,
  /no route to host/i,
  /network is unreachable/i,
  /name or service not known/i,
  /temporary failure in name resolution/i,
  /operation timed out/i,
  /abort/i,
  /timed out/i,
  /permission denied/i,
  /host key verification failed/i,
  /authentication failed/i,
  /repository not found/i,
];

/** Classifies git's error output (URLs redacted, the last three lines kept). */
export function classifyGitError(raw: string, what: string): GitError {
  const text = redactUrl(raw).trim().split('\n').filter((l) => l.trim() !== '').slice(-3).join('; ');
  if (/couldn't find remote ref/i.test(raw)) return new GitError(`${what}: branch not found on the remote`, 'missing');
  if (UNREACHABLE.some((r) => r.test(raw))) return new GitError(`${what}: remote unreachable: ${text}`, 'unreachable');
  return new GitError(`${what}: ${text}`, 'failed');
}

/** The commit of `refs/heads/<branch>` in `git ls-remote --heads` output. */
export function headFromLsRemote(out: string, branch: string): string {
  const line = out.split('\n').find((l) => l.endsWith(`\trefs/heads/${branch}`));
  if (!line) throw new GitError(`branch ${branch} not found on the remote`, 'missing');
  return line.split('\t')[0]!;
}
