// The one GitClient, on node and under QuickJS alike: runs the `git` program through Host.exec,
// with an argument list (never a shell). A router needs `git` anyway; one client means one
// behaviour to test and no git library in the node bundle.
// URLs are passed after `--`; credentials in a URL never reach an error message (redactUrl).
// Limitation: Host.exec adds to the inherited environment and cannot remove from it, so GIT_*
// variables of the agent's own environment are blanked rather than removed (a router's procd
// environment has none).
import type { Host } from './host.ts';
import { classifyGitError, GitError, headFromLsRemote, type GitClient, type GitCommitInfo, type GitTrust, type GitVerifyResult } from './git-client.ts';

// Constant: no value from any config ends up here.
const SSH_COMMAND = 'ssh -o BatchMode=yes -o ConnectTimeout=15 -o ServerAliveInterval=10 -o ServerAliveCountMax=2';
const BASE_CONFIG = ['-c', 'protocol.ext.allow=never', '-c', 'core.hooksPath=/dev/null'];
const ENV = {
  LC_ALL: 'C',
  GIT_TERMINAL_PROMPT: '0',
  GIT_SSH_COMMAND: SSH_COMMAND,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_ASKPASS: '',
  SSH_ASKPASS: '',
};



export function createExecGit(host: Host): GitClient {
  /** Runs git; resolves with stdout, rejects with a classified GitError. */
  async function git(args: string[], what: string, opts: { cwd?: string; timeoutMs: number; env?: Record<string, string>; config?: string[] }): Promise<string> {
    const configArgs = (opts.config ?? []).flatMap((c) => ['-c', c]);
    const r = await host.exec('git', [...BASE_CONFIG, ...configArgs, ...args], {
      ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
      env: { ...ENV, ...opts.env },
      timeoutMs: opts.timeoutMs,
    });
    if (r.code === 0) return r.stdout;
    throw classifyGitError(r.code === 124 ? `operation timed out after ${opts.timeoutMs} ms\n${r.stderr}` : r.stderr || `git exited ${r.code}`, what);
  }

  const isClone = async (dir: string) => (await host.files.stat(`${dir}/.git`)) !== null;

  async function initRepo(dir: string, timeoutMs: number): Promise<void> {
    await host.files.mkdirp(dir, 0o700);
    await git(['init', '-q', '--template='], 'git init', { cwd: dir, timeoutMs });
    // A private, throw-away work tree: no reflog, symlinks as plain files, no automatic gc.
    for (const [k, v] of [
      ['core.symlinks', 'false'],
      ['core.logAllRefUpdates', 'false'],
      ['gc.auto', '0'],
      ['advice.detachedHead', 'false'],
    ] as const) {
      await git(['config', k, v], 'git config', { cwd: dir, timeoutMs });
    }
  }

  async function fetchOnce(url: string, branch: string, dir: string, timeoutMs: number): Promise<string> {
    if (!(await isClone(dir))) await initRepo(dir, timeoutMs);
    const o = { cwd: dir, timeoutMs };
    await git(['fetch', '-q', '--depth', '1', '--no-tags', '--force', '--', url, `+refs/heads/${branch}:refs/dlan/head`], 'git fetch', o);
    await git(['checkout', '-q', '--force', '--detach', 'refs/dlan/head'], 'git fetch', o);
    await git(['clean', '-q', '-ffdx'], 'git fetch', o);
    await git(['prune', '--expire=now'], 'git fetch', o).catch(() => undefined);
    return (await git(['rev-parse', 'HEAD'], 'git fetch', o)).trim();
  }

  async function removeTree(dir: string): Promise<void> {
    // Host.files has no recursive remove; `rm` with an argument list does it.
    await host.exec('rm', ['-rf', '--', dir]);
  }

  return {
    async remoteHead(url, branch, { timeoutMs }) {
      const out = await git(['ls-remote', '--heads', '--', url, `refs/heads/${branch}`], 'git ls-remote', { timeoutMs });
      return headFromLsRemote(out, branch);
    },

    async fetch(url, branch, dir, { timeoutMs }) {
      try {
        return await fetchOnce(url, branch, dir, timeoutMs);
      } catch (e) {
        if (!(e instanceof GitError) || e.kind !== 'failed') throw e;
        // A damaged local clone (interrupted fetch, full disk): start over once.
        await removeTree(dir);
        return fetchOnce(url, branch, dir, timeoutMs);
      }
    },

    async localHead(dir) {
      if (!(await isClone(dir))) return null;
      try {
        return (await git(['rev-parse', '--verify', '-q', 'HEAD^{commit}'], 'git rev-parse', { cwd: dir, timeoutMs: 10_000 })).trim() || null;
      } catch {
        return null;
      }
    },

    async commitInfo(dir, sha): Promise<GitCommitInfo> {
      const out = await git(['log', '-1', '--format=%H%x00%s%x00%an <%ae>%x00%cI', sha, '--'], 'git log', { cwd: dir, timeoutMs: 10_000 });
      const [full, subject, author, date] = out.replace(/\n$/, '').split('\0');
      return { sha: full ?? sha, subject: subject ?? '', author: author ?? '', date: date ?? '' };
    },

    async verifyCommit(dir, sha, trust: GitTrust, { timeoutMs }): Promise<GitVerifyResult> {
      const config = trust.kind === 'ssh' ? [`gpg.ssh.allowedSignersFile=${trust.allowedSignersFile}`] : [];
      const env: Record<string, string> = trust.kind === 'gpg' ? { GNUPGHOME: trust.gnupgHome } : {};
      const out = await git(['log', '-1', '--format=%G?%x00%GF%x00%GP%x00%GS', sha, '--'], 'git verify', { cwd: dir, timeoutMs, env, config });
      const [verdict, fingerprint, primaryFingerprint, signer] = out.replace(/\n$/, '').split('\0');
      return { verdict: verdict ?? 'N', fingerprint: fingerprint ?? '', primaryFingerprint: primaryFingerprint ?? '', signer: signer ?? '' };
    },
  };
}
