// Local git repos for the GitOps tests: a bare "remote" and a work clone that commits (optionally
// signed with ssh or gpg keys made for the test) and pushes. Real git, no network.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `dlan-gitops-${prefix}-`));
}

export function git(cwd: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export interface SshSigner {
  kind: 'ssh';
  keyFile: string;
  publicKey: string;
}
export interface GpgSigner {
  kind: 'gpg';
  home: string;
  fingerprint: string;
}
export type Signer = SshSigner | GpgSigner;

export function makeSshSigner(): SshSigner {
  const dir = tempDir('sshkey');
  const keyFile = join(dir, 'id');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'admin@test', '-f', keyFile]);
  const publicKey = execFileSync('cat', [`${keyFile}.pub`], { encoding: 'utf8' }).trim();
  return { kind: 'ssh', keyFile, publicKey };
}

export function makeGpgSigner(): GpgSigner {
  const home = tempDir('gnupg');
  execFileSync('chmod', ['700', home]);
  execFileSync('gpg', ['--batch', '-q', '--passphrase', '', '--quick-gen-key', 'Admin <admin@test>', 'ed25519', 'sign', 'never'], { env: { ...process.env, GNUPGHOME: home }, stdio: 'ignore' });
  const out = execFileSync('gpg', ['--list-keys', '--with-colons'], { env: { ...process.env, GNUPGHOME: home }, encoding: 'utf8' });
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(out)![1]!;
  return { kind: 'gpg', home, fingerprint };
}

/** Stops the gpg-agent a keyring started (signing starts one per GNUPGHOME). */
export function stopGpgAgent(home: string): void {
  try {
    execFileSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent'], { stdio: 'ignore' });
  } catch {
    // none running
  }
}

/** Exports the gpg public key into another keyring (the router's /etc/dlan/gnupg). */
export function importGpgKey(signer: GpgSigner, intoHome: string): void {
  mkdirSync(intoHome, { recursive: true, mode: 0o700 });
  const key = execFileSync('gpg', ['--export', '--armor', signer.fingerprint], { env: { ...process.env, GNUPGHOME: signer.home } });
  execFileSync('gpg', ['--batch', '-q', '--import'], { input: key, env: { ...process.env, GNUPGHOME: intoHome }, stdio: ['pipe', 'ignore', 'ignore'] });
}

export class ConfigRepo {
  readonly bare: string;
  readonly work: string;
  readonly url: string;

  constructor() {
    const dir = tempDir('repo');
    this.bare = join(dir, 'remote.git');
    this.work = join(dir, 'work');
    mkdirSync(this.bare);
    git(this.bare, ['init', '-q', '--bare', '-b', 'main']);
    mkdirSync(this.work);
    git(this.work, ['init', '-q', '-b', 'main']);
    git(this.work, ['config', 'user.name', 'Admin']);
    git(this.work, ['config', 'user.email', 'admin@test']);
    git(this.work, ['config', 'commit.gpgsign', 'false']);
    git(this.work, ['remote', 'add', 'origin', this.bare]);
    this.url = `file://${this.bare}`;
  }

  /** Writes files (path → content, null = delete), commits, pushes; returns the commit id. */
  commit(message: string, files: Record<string, string | null>, signer?: Signer): string {
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.work, path);
      if (content === null) rmSync(full, { force: true });
      else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, content);
      }
    }
    git(this.work, ['add', '-A']);
    const args = ['commit', '-q', '--allow-empty', '-m', message];
    let env: Record<string, string> = {};
    if (signer?.kind === 'ssh') args.unshift('-c', 'gpg.format=ssh', '-c', `user.signingkey=${signer.keyFile}`), args.push('-S');
    if (signer?.kind === 'gpg') {
      args.unshift('-c', 'gpg.format=openpgp', '-c', `user.signingkey=${signer.fingerprint}`);
      args.push('-S');
      env = { GNUPGHOME: signer.home };
    }
    git(this.work, args, env);
    git(this.work, ['push', '-q', '--force', 'origin', 'HEAD:main']);
    return git(this.work, ['rev-parse', 'HEAD']);
  }

  /** Rewrites history: a new root commit force-pushed over the branch. */
  forcePushNewHistory(message: string, files: Record<string, string>): string {
    git(this.work, ['checkout', '-q', '--orphan', `rewrite-${Date.now()}`]);
    git(this.work, ['rm', '-q', '-rf', '--cached', '.']);
    return this.commit(message, files);
  }

  /** Moves the branch on the remote to an existing commit (e.g. back to an older one), as a forge could. */
  forcePush(sha: string): void {
    git(this.work, ['push', '-q', '--force', 'origin', `${sha}:refs/heads/main`]);
  }

  head(): string {
    return git(this.bare, ['rev-parse', 'main']);
  }
}
