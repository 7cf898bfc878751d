// GitClient on node, with simple-git. Every call has a deadline (an abort signal for the whole
// command plus simple-git's inactivity timeout), never prompts (no TTY on a router: ssh in batch
// mode, no credential prompts), and never lets the config repo change how git behaves:
// symlinks are checked out as plain files, hooks and templates are not used on fetch/checkout.
import { promises as fs } from 'node:fs';
import { simpleGit, type SimpleGit } from 'simple-git';
import { classifyGitError, GitError, headFromLsRemote, type GitClient, type GitCommitInfo, type GitTrust, type GitVerifyResult } from './git-client.ts';

// Constant: no value from any config ends up here.
const SSH_COMMAND = 'ssh -o BatchMode=yes -o ConnectTimeout=15 -o ServerAliveInterval=10 -o ServerAliveCountMax=2';

function env(extra: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = {};
  // No inherited GIT_* (a GIT_DIR would redirect every command), no askpass helpers (nothing may
  // prompt), no editor or pager variables: simple-git refuses to run with any of them, and npm
  // exports `npm_config_editor` to every script it runs.
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('GIT_') || k.endsWith('_ASKPASS') || /editor|pager/i.test(k)) continue;
    base[k] = v;
  }
  return {
    ...base,
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_SSH_COMMAND: SSH_COMMAND,
    GIT_CONFIG_NOSYSTEM: '1',
    ...extra,
  };
}

function client(baseDir: string | undefined, timeoutMs: number, extraEnv?: Record<string, string>, config: string[] = []): SimpleGit {
  return simpleGit({
    ...(baseDir ? { baseDir } : {}),
    timeout: { block: timeoutMs },
    abort: AbortSignal.timeout(timeoutMs),
    config: ['protocol.ext.allow=never', 'core.hooksPath=/dev/null', ...config],
    // The "unsafe" options are ours (constants above that make git safer), never from the repo.
    unsafe: { allowUnsafeSshCommand: true, allowUnsafeHooksPath: true, allowUnsafeProtocolOverride: true },
  }).env(env(extraEnv));
}


function toGitError(e: unknown, what: string): GitError {
  return classifyGitError(e instanceof Error ? e.message : String(e), what);
}

async function exists(path: string): Promise<boolean> {
  return fs.stat(path).then(
    () => true,
    () => false,
  );
}

async function initRepo(dir: string, timeoutMs: number): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const git = client(dir, timeoutMs);
  await git.raw(['init', '-q']);
  // A private, throw-away work tree: no reflog (old commits become unreachable and are pruned),
  // symlinks as plain files, no automatic gc in the middle of a sync.
  for (const [k, v] of [
    ['core.symlinks', 'false'],
    ['core.logAllRefUpdates', 'false'],
    ['gc.auto', '0'],
    ['advice.detachedHead', 'false'],
  ] as const) {
    await git.raw(['config', k, v]);
  }
}

async function fetchOnce(url: string, branch: string, dir: string, timeoutMs: number): Promise<string> {
  if (!(await exists(`${dir}/.git`))) await initRepo(dir, timeoutMs);
  const git = client(dir, timeoutMs);
  await git.raw(['fetch', '-q', '--depth', '1', '--no-tags', '--force', '--', url, `+refs/heads/${branch}:refs/dlan/head`]);
  await git.raw(['checkout', '-q', '--force', '--detach', 'refs/dlan/head']);
  await git.raw(['clean', '-q', '-ffdx']);
  // Keep the shallow clone small: drop what the previous heads left behind.
  await git.raw(['prune', '--expire=now']).catch(() => undefined);
  return (await git.raw(['rev-parse', 'HEAD'])).trim();
}

export function createNodeGit(): GitClient {
  return {
    async remoteHead(url, branch, { timeoutMs }) {
      let out: string;
      try {
        out = await client(undefined, timeoutMs).raw(['ls-remote', '--heads', '--', url, `refs/heads/${branch}`]);
      } catch (e) {
        throw toGitError(e, 'git ls-remote');
      }
      return headFromLsRemote(out, branch);
    },

    async fetch(url, branch, dir, { timeoutMs }) {
      try {
        return await fetchOnce(url, branch, dir, timeoutMs);
      } catch (e) {
        const err = toGitError(e, 'git fetch');
        if (err.kind !== 'failed') throw err;
        // A damaged local clone (interrupted fetch, full disk): start over once.
        await fs.rm(dir, { recursive: true, force: true });
        try {
          return await fetchOnce(url, branch, dir, timeoutMs);
        } catch (e2) {
          throw toGitError(e2, 'git fetch');
        }
      }
    },

    async localHead(dir) {
      if (!(await exists(`${dir}/.git`))) return null;
      try {
        return (await client(dir, 10_000).raw(['rev-parse', '--verify', '-q', 'HEAD^{commit}'])).trim() || null;
      } catch {
        return null;
      }
    },

    async commitInfo(dir, sha): Promise<GitCommitInfo> {
      try {
        const out = await client(dir, 10_000).raw(['log', '-1', '--format=%H%x00%s%x00%an <%ae>%x00%cI', sha, '--']);
        const [full, subject, author, date] = out.replace(/\n$/, '').split('\0');
        return { sha: full ?? sha, subject: subject ?? '', author: author ?? '', date: date ?? '' };
      } catch (e) {
        throw toGitError(e, 'git log');
      }
    },

    async verifyCommit(dir, sha, trust: GitTrust, { timeoutMs }): Promise<GitVerifyResult> {
      const config = trust.kind === 'ssh' ? [`gpg.ssh.allowedSignersFile=${trust.allowedSignersFile}`] : [];
      const extraEnv: Record<string, string> = trust.kind === 'gpg' ? { GNUPGHOME: trust.gnupgHome } : {};
      try {
        // %G? is git's verdict; %GF/%GP the signing key's (primary) fingerprint; %GS the signer.
        // (%GT is avoided: git 2.39 aborts on it when the gpg key is missing.)
        const out = await client(dir, timeoutMs, extraEnv, config).raw(['log', '-1', '--format=%G?%x00%GF%x00%GP%x00%GS', sha, '--']);
        const [verdict, fingerprint, primaryFingerprint, signer] = out.replace(/\n$/, '').split('\0');
        return { verdict: verdict ?? 'N', fingerprint: fingerprint ?? '', primaryFingerprint: primaryFingerprint ?? '', signer: signer ?? '' };
      } catch (e) {
        throw toGitError(e, 'git verify');
      }
    },
  };
}
