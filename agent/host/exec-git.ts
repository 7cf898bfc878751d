// The one GitClient, on node and under QuickJS alike: it runs the `git` program through Host.exec
// with an argument list (never a shell). Every call has a deadline, never prompts (no TTY on a
// router: ssh in batch mode, no askpass), and the config repo cannot change how git behaves: no
// hooks, no templates, no ext:: transport, symlinks checked out as plain files, and every command
// is pinned to its repository (GIT_DIR), so a missing clone is an error instead of git walking up
// to whatever repository encloses it. URLs go after `--`; credentials in a URL never reach an
// error message (redactUrl).
// Limitation: Host.exec adds to the inherited environment and cannot remove from it; a router's
// procd/systemd environment has no GIT_* variables.
import type { ExecResult, Host } from './host.ts';
import { classifyGitError, GitError, headFromLsRemote, type GitClient, type GitCommitInfo, type GitFetchOptions, type GitTrust, type GitVerifyResult } from './git-client.ts';

// Constant: no value from any config ends up here.
const SSH_COMMAND = 'ssh -o BatchMode=yes -o ConnectTimeout=15 -o ServerAliveInterval=10 -o ServerAliveCountMax=2';
// Also: symlinks checked out as plain files, no automatic gc (on every command rather than written
// by `git config` runs: each new head is fetched into a fresh clone, see fetch-commit.ts).
const BASE_CONFIG = ['protocol.ext.allow=never', 'core.hooksPath=/dev/null', 'core.symlinks=false', 'gc.auto=0'];
const ENV = {
  LC_ALL: 'C',
  GIT_TERMINAL_PROMPT: '0',
  GIT_SSH_COMMAND: SSH_COMMAND,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_ASKPASS: '',
  SSH_ASKPASS: '',
};
// Every fetched object lands in one pack file (never as loose objects), so the size of what a
// fetch has written so far is the size of objects/pack.
const FETCH_CONFIG = ['fetch.unpackLimit=1', 'transfer.unpackLimit=1'];
const INCOMING_REF = 'refs/dlan/incoming';
const LOCAL_TIMEOUT_MS = 20_000;

interface RunOptions {
  dir?: string;
  timeoutMs: number;
  env?: Record<string, string>;
  config?: string[];
  abortWhen?: () => Promise<boolean>;
}

/** Bytes a fetch has written so far: every object lands in objects/pack (FETCH_CONFIG). */
async function packBytes(host: Host, dir: string): Promise<number> {
  const pack = `${dir}/.git/objects/pack`;
  let total = 0;
  // A temp file may be renamed away between list and stat.
  for (const name of (await host.files.list(pack)) ?? []) total += (await host.files.stat(`${pack}/${name}`).catch(() => null))?.size ?? 0;
  return total;
}

export function createExecGit(host: Host): GitClient {
  function run(args: string[], opts: RunOptions) {
    const configArgs = [...BASE_CONFIG, ...(opts.config ?? [])].flatMap((c) => ['-c', c]);
    // GIT_DIR without GIT_WORK_TREE: the work tree is the current folder (cwd).
    const repoEnv: Record<string, string> = opts.dir !== undefined ? { GIT_DIR: `${opts.dir}/.git` } : {};
    return host.exec('git', [...configArgs, ...args], {
      ...(opts.dir !== undefined ? { cwd: opts.dir } : {}),
      env: { ...ENV, ...repoEnv, ...opts.env },
      timeoutMs: opts.timeoutMs,
      ...(opts.abortWhen ? { abortWhen: opts.abortWhen } : {}),
    });
  }

  const failure = (r: ExecResult, what: string, timeoutMs: number) =>
    classifyGitError(r.code === 124 ? `operation timed out after ${timeoutMs} ms\n${r.stderr}` : r.stderr || `git exited ${r.code}`, what);

  /** Runs git; resolves with stdout, rejects with a classified GitError. */
  async function git(args: string[], what: string, opts: RunOptions): Promise<string> {
    const r = await run(args, opts);
    if (r.code === 0) return r.stdout;
    throw failure(r, what, opts.timeoutMs);
  }

  const isClone = async (dir: string) => (await host.files.stat(`${dir}/.git`)) !== null;

  async function initRepo(dir: string): Promise<void> {
    await host.files.mkdirp(dir, 0o700);
    await git(['init', '-q', '--template='], 'git init', { dir, timeoutMs: LOCAL_TIMEOUT_MS });
  }

  return {
    async remoteHead(url, branch, { timeoutMs }) {
      const out = await git(['ls-remote', '--heads', '--', url, `refs/heads/${branch}`], 'git ls-remote', { timeoutMs });
      return headFromLsRemote(out, branch);
    },

    async fetchObjects(url, branch, dir, opts: GitFetchOptions) {
      if (!(await isClone(dir))) await initRepo(dir);
      let tooLarge = false;
      const over = async () => (tooLarge ||= (await packBytes(host, dir)) > opts.maxBytes);
      const history = 'deepen' in opts ? `--deepen=${opts.deepen}` : `--depth=${opts.depth}`;
      const args = ['fetch', '-q', history, '--no-tags', '--force', '--', url, `+refs/heads/${branch}:${INCOMING_REF}`];
      const r = await run(args, { dir, timeoutMs: opts.timeoutMs, config: FETCH_CONFIG, abortWhen: over });
      // A fast fetch may end between two looks: look once more at what it left.
      if (tooLarge || (r.code === 0 && (await over()))) {
        throw new GitError(`git fetch: more than max_repo_mb (${Math.round(opts.maxBytes / 1048576)} MB); stopped`, 'too-large');
      }
      if (r.code !== 0) throw failure(r, 'git fetch', opts.timeoutMs);
      return (await git(['rev-parse', '--verify', '-q', `${INCOMING_REF}^{commit}`], 'git fetch', { dir, timeoutMs: LOCAL_TIMEOUT_MS })).trim();
    },

    async isAncestor(dir, ancestor, descendant) {
      // 0: yes; 1: no; 128: one of them is not here (beyond a shallow boundary): not known to be.
      return (await run(['merge-base', '--is-ancestor', ancestor, descendant], { dir, timeoutMs: LOCAL_TIMEOUT_MS })).code === 0;
    },

    async isShallow(dir) {
      // git keeps the cut-off commits in .git/shallow and removes the file once the history is whole.
      return (await host.files.stat(`${dir}/.git/shallow`)) !== null;
    },

    async checkout(dir, sha, { timeoutMs }) {
      const o = { dir, timeoutMs };
      await git(['checkout', '-q', '--force', '--detach', sha], 'git checkout', o);
      await git(['clean', '-q', '-ffdx'], 'git checkout', o);
    },

    async listTree(dir, tree, maxBytes) {
      const o = { dir, timeoutMs: LOCAL_TIMEOUT_MS };
      const rev = `${tree}^{tree}`;
      // The object's size first: the listing of a huge tree would be held whole in memory (node) or /tmp (QuickJS).
      const size = Number(await git(['cat-file', '-s', rev], 'git cat-file', o));
      if (!(size <= maxBytes)) throw new GitError(`a folder whose list of entries takes ${size} bytes (more than ${maxBytes})`, 'too-large');
      // `mode type sha size\tname`, NUL-terminated, names unquoted; size `-` for a folder or submodule.
      return (await git(['ls-tree', '-l', '-z', rev], 'git ls-tree', o)).split('\0').filter(Boolean).map((line) => {
        const tab = line.indexOf('\t');
        const [, type = '', sha = '', bytes] = line.slice(0, tab).split(/ +/);
        return { type, sha, size: Number(bytes) || 0, name: line.slice(tab + 1) };
      });
    },

    async localHead(dir) {
      if (!(await isClone(dir))) return null;
      const r = await run(['rev-parse', '--verify', '-q', 'HEAD^{commit}'], { dir, timeoutMs: 10_000 });
      return r.code === 0 ? r.stdout.trim() || null : null;
    },

    async commitInfo(dir, sha): Promise<GitCommitInfo> {
      const out = await git(['log', '-1', '--format=%H%x00%s%x00%an <%ae>%x00%cI', sha, '--'], 'git log', { dir, timeoutMs: 10_000 });
      const [full, subject, author, date] = out.replace(/\n$/, '').split('\0');
      return { sha: full ?? sha, subject: subject ?? '', author: author ?? '', date: date ?? '' };
    },

    async verifyCommit(dir, sha, trust: GitTrust, { timeoutMs }): Promise<GitVerifyResult> {
      // The verifier programs are pinned (a global git config cannot swap them): the same names
      // verify-signature.ts checks for before asking git.
      const config =
        trust.kind === 'ssh' ? ['gpg.ssh.program=ssh-keygen', `gpg.ssh.allowedSignersFile=${trust.allowedSignersFile}`] : ['gpg.program=gpg'];
      const env: Record<string, string> = trust.kind === 'gpg' ? { GNUPGHOME: trust.gnupgHome } : {};
      // %G? is git's verdict; %GF/%GP the signing key's (primary) fingerprint; %GS the signer.
      // (%GT is avoided: git 2.39 aborts on it when the gpg key is missing.)
      const out = await git(['log', '-1', '--format=%G?%x00%GF%x00%GP%x00%GS', sha, '--'], 'git verify', { dir, timeoutMs, env, config });
      const [verdict, fingerprint, primaryFingerprint, signer] = out.replace(/\n$/, '').split('\0');
      return { verdict: verdict ?? 'N', fingerprint: fingerprint ?? '', primaryFingerprint: primaryFingerprint ?? '', signer: signer ?? '' };
    },
  };
}
