// Accept a commit only when it is signed by a key the router trusts. The trust list comes from
// the local agent settings (never from the repo): ssh keys are written to an allowed-signers
// file for git; gpg fingerprints are matched against the key git reports, whose public key must
// be in the router's keyring (/etc/dlan/gnupg).
import type { AgentSettings } from '../settings/agent-settings.ts';
import type { GitClient } from '../host/git-client.ts';
import type { Host } from '../host/host.ts';
import type { AgentPaths } from './agent-paths.ts';

export type VerifyOutcome = { ok: true; signer: string; fingerprint: string } | { ok: false; reason: string };

const KEY_TYPE = /^(ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+|sk-[a-z0-9@.-]+)\s/;

/** Lines for git's allowed-signers file. A bare public key gets a principal so the format holds. */
export function allowedSignersText(entries: readonly string[]): string {
  return `${entries.map((e) => (KEY_TYPE.test(e) ? `dlan-signer namespaces="git" ${e}` : e)).join('\n')}\n`;
}

function normalizeFingerprint(f: string): string {
  return f.replace(/\s/g, '').toUpperCase();
}

export function judgeVerdict(
  mode: 'ssh' | 'gpg',
  allowed: readonly string[],
  v: { verdict: string; fingerprint: string; primaryFingerprint: string; signer: string },
): VerifyOutcome {
  switch (v.verdict) {
    case 'N':
      return { ok: false, reason: 'the commit is not signed' };
    case 'B':
      return { ok: false, reason: 'the commit has a bad signature' };
    case 'X':
    case 'Y':
      return { ok: false, reason: `the commit is signed by an expired key ${v.fingerprint}` };
    case 'R':
      return { ok: false, reason: `the commit is signed by a revoked key ${v.fingerprint}` };
    case 'E':
      return { ok: false, reason: 'the commit is signed by a key that is not allowed (not in the local keyring)' };
  }
  if (mode === 'ssh') {
    if (v.verdict === 'G') return { ok: true, signer: v.signer, fingerprint: v.fingerprint };
    return { ok: false, reason: `the commit is signed by a key that is not allowed (${v.fingerprint || 'unknown key'})` };
  }
  const trusted = new Set(allowed.map(normalizeFingerprint));
  const matches = [v.fingerprint, v.primaryFingerprint].filter((f) => f !== '').some((f) => trusted.has(normalizeFingerprint(f)));
  if ((v.verdict === 'G' || v.verdict === 'U') && matches) return { ok: true, signer: v.signer, fingerprint: v.fingerprint };
  return { ok: false, reason: `the commit is signed by a key that is not allowed (${v.fingerprint || 'unknown key'})` };
}

export async function verifyCommitSignature(
  host: Host,
  git: GitClient,
  paths: AgentPaths,
  settings: AgentSettings,
  sha: string,
): Promise<VerifyOutcome> {
  if (settings.verify === 'none') return { ok: true, signer: '', fingerprint: '' };
  if (settings.verify === 'ssh') {
    const text = allowedSignersText(settings.allowedSigners);
    if ((await host.files.read(paths.allowedSignersFile)) !== text) await host.files.write(paths.allowedSignersFile, text, { mode: 0o644 });
    const v = await git.verifyCommit(paths.repoDir, sha, { kind: 'ssh', allowedSignersFile: paths.allowedSignersFile }, { timeoutMs: 20_000 });
    return judgeVerdict('ssh', settings.allowedSigners, v);
  }
  await host.files.mkdirp(paths.gnupgHome, 0o700);
  const v = await git.verifyCommit(paths.repoDir, sha, { kind: 'gpg', gnupgHome: paths.gnupgHome }, { timeoutMs: 20_000 });
  return judgeVerdict('gpg', settings.allowedSigners, v);
}
