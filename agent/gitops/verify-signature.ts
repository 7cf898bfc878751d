// Accept a commit only when it is signed by a key the router trusts. The trust list comes from
// the local agent settings (never from the repo): ssh keys are written to an allowed-signers
// file for git; gpg fingerprints are matched against the key git reports, whose public key must
// be in the router's keyring (/etc/dlan/gnupg).
import type { AgentSettings } from '../settings/agent-settings.ts';
import type { GitClient } from '../host/git-client.ts';
import type { Host } from '../host/host.ts';
import type { AgentPaths } from './agent-paths.ts';

/**
 * `unverifiable`: the router cannot check signatures at all (its verifier program is missing).
 * That says nothing about the commit, so it must not be recorded against it.
 */
export type VerifyOutcome = { ok: true; signer: string; fingerprint: string } | { ok: false; reason: string; unverifiable?: true };

/** A refusal when the verifier program is not installed (git would call every signature bad). */
async function verifierMissing(host: Host, mode: 'ssh' | 'gpg'): Promise<VerifyOutcome | null> {
  // The programs exec-git.ts pins git to. 127: not found; any other answer (ssh-keygen has no
  // --version and prints its usage) means it is there.
  const program = mode === 'ssh' ? 'ssh-keygen' : 'gpg';
  if ((await host.exec(program, ['--version'], { timeoutMs: 10_000 })).code !== 127) return null;
  return { ok: false, unverifiable: true, reason: `${program} missing: cannot check commit signatures` };
}

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
  dir: string = paths.repoDir,
): Promise<VerifyOutcome> {
  if (settings.verify === 'none') return { ok: true, signer: '', fingerprint: '' };
  const missing = await verifierMissing(host, settings.verify);
  if (missing) return missing;
  if (settings.verify === 'ssh') {
    const text = allowedSignersText(settings.allowedSigners);
    if ((await host.files.read(paths.allowedSignersFile)) !== text) await host.files.write(paths.allowedSignersFile, text, { mode: 0o644 });
    const v = await git.verifyCommit(dir, sha, { kind: 'ssh', allowedSignersFile: paths.allowedSignersFile }, { timeoutMs: 20_000 });
    return judgeVerdict('ssh', settings.allowedSigners, v);
  }
  await host.files.mkdirp(paths.gnupgHome, 0o700);
  const v = await git.verifyCommit(dir, sha, { kind: 'gpg', gnupgHome: paths.gnupgHome }, { timeoutMs: 20_000 });
  return judgeVerdict('gpg', settings.allowedSigners, v);
}
