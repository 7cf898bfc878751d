// What a hostile forge can do through the fetch, and what the router does about it (SECURITY.md):
// replay an older signed commit or a rewritten history (refused unless allowed), make the router
// download and keep a huge repository (bounded during the fetch, removed), put an unchecked
// commit in the work tree (verified before checkout), and a router without its verifier program
// (a clear refusal that is not held against the commit). Real git, real ssh-keygen/gpg signatures.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigRepo, importGpgKey, makeGpgSigner, makeSshSigner, stopGpgAgent, tempDir, type Signer } from './support/config-repo.ts';
import { calls, currentFile, fakeBackend } from './support/fake-backend.ts';
import { ForgeServer } from './support/forge-server.ts';
import { Router, soloConfig } from './support/harness.ts';

const T = { timeout: 120_000 };

function state(r: Router): any {
  return JSON.parse(readFileSync(join(r.root, 'etc/dlan/state.json'), 'utf8'));
}

function appliedLan(r: Router): string {
  return JSON.parse(readFileSync(currentFile(r.root), 'utf8')).lan[0].ipv4.cidr;
}

const repoDir = (r: Router) => join(r.root, 'var/lib/dlan/repo');
const incomingDir = (r: Router) => join(r.root, 'var/lib/dlan/repo.incoming');
const checkedOut = (r: Router) => execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoDir(r), encoding: 'utf8', env: { ...process.env, GIT_DIR: join(repoDir(r), '.git') } }).trim();

async function initRouter(repo: ConfigRepo, extra: string[]): Promise<Router> {
  const r = new Router(fakeBackend());
  const init = await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '5', ...extra);
  assert.equal(init.code, 0, init.stderr);
  return r;
}

test('verify ssh: a forge moving the branch back to an older signed commit is refused, recorded and reported; sync --allow-rewind accepts it', T, async () => {
  const forge = await ForgeServer.start();
  try {
    const admin = makeSshSigner();
    const repo = new ConfigRepo();
    const first = repo.commit('c1', { 'dlan.yaml': soloConfig('192.168.1.0/24') }, admin);
    const r = await initRouter(repo, ['--verify', 'ssh', '--allowed-signer', admin.publicKey, '--report', 'gitea', '--report-url', forge.url, '--report-repo', 'admin/mesh', '--webhook-url', `${forge.url}/hook`]);
    assert.equal((await r.cli('sync')).code, 0);
    // Several commits at once: the shallow fetch has to deepen to find the applied one.
    const old = repo.commit('c2: exposes something', { 'dlan.yaml': soloConfig('192.168.2.0/24') }, admin);
    for (let i = 3; i <= 6; i++) repo.commit(`c${i}`, { 'dlan.yaml': soloConfig(`192.168.${i}.0/24`) }, admin);
    const newest = repo.head();
    const ahead = await r.cli('sync');
    assert.equal(ahead.code, 0, ahead.stdout + ahead.logs.join('\n'));
    assert.equal(state(r).applied.sha, newest);
    assert.equal(appliedLan(r), '192.168.6.0/24');
    assert.notEqual(first, old);

    repo.forcePush(old); // signed by the admin, but older than what the router runs
    const n = calls(r.root).length;
    const s = await r.cli('sync');
    assert.equal(s.code, 1, s.stdout);
    assert.match(s.stdout, new RegExp(`refused ${old.slice(0, 12)}: ${old.slice(0, 12)} does not descend from the applied commit ${newest.slice(0, 12)}`));
    assert.match(s.stdout, /--allow-rewind/);
    assert.ok(!calls(r.root).slice(n).includes('apply-start'), 'nothing applied');
    assert.equal(appliedLan(r), '192.168.6.0/24', 'the router keeps the newest config');
    assert.equal(state(r).applied.sha, newest);
    assert.deepEqual(state(r).failedCommits.map((f: { sha: string; phase: string }) => [f.sha, f.phase]), [[old, 'ancestry']]);
    assert.equal(checkedOut(r), newest, 'the work tree still holds the applied commit');
    assert.ok(!existsSync(incomingDir(r)), 'the refused fetch is removed');
    const st = await r.cli('status', '--json');
    assert.equal(JSON.parse(st.stdout).sync.lastError.phase, 'ancestry');
    assert.equal(JSON.parse(st.stdout).sync.lastError.sha, old);
    assert.match((await r.cli('status')).stdout, /error +ancestry [0-9a-f]{12}: .*does not descend/);
    assert.match(forge.statuses().find((x) => x.sha === old && x.state === 'failure')!.description, /refused \(ancestry\)/);
    assert.ok(forge.hooks().some((h) => h.event === 'refused' && h.commit === old));

    const again = await r.cli('sync');
    assert.equal(again.code, 1);
    assert.match(again.stdout, /failed before/, 'not fetched and checked again until the branch moves');
    assert.ok(!again.logs.some((l) => l.includes('phase=fetch') && l.includes(old.slice(0, 12))));

    const accepted = await r.cli('sync', '--allow-rewind');
    assert.equal(accepted.code, 0, accepted.stdout);
    assert.equal(state(r).applied.sha, old);
    assert.equal(appliedLan(r), '192.168.2.0/24');
  } finally {
    await forge.close();
  }
});

test('an unrelated (rewritten) history is refused by default; allow_rewind in the settings follows it', T, async () => {
  const repo = new ConfigRepo();
  repo.commit('first', { 'dlan.yaml': soloConfig() });
  const r = await initRouter(repo, []);
  assert.equal((await r.cli('sync')).code, 0);
  const second = repo.commit('second', { 'dlan.yaml': soloConfig('192.168.51.0/24') });
  assert.equal((await r.cli('sync')).code, 0);
  const rewritten = repo.forcePushNewHistory('rewritten', { 'dlan.yaml': soloConfig('192.168.52.0/24') });
  const refused = await r.cli('sync');
  assert.equal(refused.code, 1, refused.stdout);
  assert.match(refused.stdout, /does not descend from the applied commit .*rewritten/);
  assert.equal(state(r).applied.sha, second);
  assert.equal(appliedLan(r), '192.168.51.0/24');

  assert.equal((await r.cli('init', '--repo', repo.url, '--router', 'solo', '--allow-rewind', 'true')).code, 0);
  const followed = await r.cli('sync', '--retry-failed');
  assert.equal(followed.code, 0, followed.stdout);
  assert.equal(state(r).applied.sha, rewritten);
  assert.equal(appliedLan(r), '192.168.52.0/24');
});

test('verify ssh: an unsigned head is checked before it is checked out: the work tree keeps the applied commit, the fetch is removed', T, async () => {
  const admin = makeSshSigner();
  const repo = new ConfigRepo();
  const good = repo.commit('signed', { 'dlan.yaml': soloConfig() }, admin);
  const r = await initRouter(repo, ['--verify', 'ssh', '--allowed-signer', admin.publicKey]);
  assert.equal((await r.cli('sync')).code, 0);
  repo.commit('unsigned', { 'dlan.yaml': soloConfig('192.168.9.0/24'), 'planted.txt': 'from the forge\n' });
  const s = await r.cli('sync');
  assert.equal(s.code, 1);
  assert.match(s.stdout, /refused .*not signed/);
  assert.equal(checkedOut(r), good);
  assert.ok(!existsSync(join(repoDir(r), 'planted.txt')), 'the unchecked commit never reached the work tree');
  assert.ok(!existsSync(incomingDir(r)), 'nor stays anywhere else');
});

test('max_repo_mb: a head larger than the bound is stopped, removed, recorded and not downloaded again', T, async () => {
  const repo = new ConfigRepo();
  const small = repo.commit('small', { 'dlan.yaml': soloConfig() });
  const r = await initRouter(repo, ['--max-repo-mb', '1']);
  assert.equal((await r.cli('sync')).code, 0);
  // Random data does not compress: about 4 MB reach the pack.
  const big = repo.commit('big', { 'dlan.yaml': soloConfig('192.168.9.0/24'), 'blob.txt': randomBytes(3 << 20).toString('base64') });
  const s = await r.cli('sync');
  assert.equal(s.code, 1, s.stdout);
  assert.match(s.stdout, /refused .*more than max_repo_mb \(1 MB\); stopped/);
  assert.deepEqual(state(r).failedCommits.map((f: { sha: string; phase: string }) => [f.sha, f.phase]), [[big, 'fetch']]);
  assert.ok(!existsSync(incomingDir(r)), 'the partial download is removed');
  assert.equal(checkedOut(r), small);
  assert.equal(appliedLan(r), '192.168.50.0/24');
  const again = await r.cli('sync');
  assert.match(again.stdout, /failed before/);
  assert.ok(!again.logs.some((l) => l.includes('phase=fetch')), 'not downloaded again');
});

/** A PATH with every program of the system's but one. */
function pathWithout(program: string): string {
  const bin = tempDir('bin');
  for (const dir of ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (name === program || existsSync(join(bin, name))) continue;
      symlinkSync(join(dir, name), join(bin, name));
    }
  }
  return bin;
}

async function missingVerifier(program: 'ssh-keygen' | 'gpg', signer: Signer, allowed: string, setup: (r: Router) => void): Promise<void> {
  const repo = new ConfigRepo();
  const sha = repo.commit('signed', { 'dlan.yaml': soloConfig() }, signer);
  const r = await initRouter(repo, ['--verify', signer.kind, '--allowed-signer', allowed]);
  setup(r);
  const path = process.env.PATH;
  const bin = pathWithout(program);
  mkdirSync(bin, { recursive: true });
  process.env.PATH = bin;
  let s;
  try {
    s = await r.cli('sync');
  } finally {
    process.env.PATH = path;
  }
  assert.equal(s.code, 1, s.stdout);
  assert.match(s.stdout, new RegExp(`^error: cannot apply [0-9a-f]{12}: ${program} missing: cannot check commit signatures`));
  assert.doesNotMatch(s.stdout, /bad signature|not allowed/);
  assert.deepEqual(state(r).failedCommits, [], 'not held against the commit');
  assert.ok(!existsSync(currentFile(r.root)), 'nothing applied');
  const st = await r.cli('status', '--json');
  assert.match(JSON.parse(st.stdout).sync.lastError.reason, new RegExp(`${program} missing`));
  assert.equal(JSON.parse(st.stdout).sync.lastError.phase, 'verify');
  // Once the program is there, the same commit is checked (no --retry-failed) and applies.
  const ok = await r.cli('sync');
  assert.equal(ok.code, 0, ok.stdout);
  assert.equal(state(r).applied.sha, sha);
}

test('verify ssh without ssh-keygen: refused as "ssh-keygen missing", not as a bad signature; applied once it is installed', T, async () => {
  const admin = makeSshSigner();
  await missingVerifier('ssh-keygen', admin, admin.publicKey, () => {});
});

test('verify gpg without gpg: refused as "gpg missing"; applied once it is installed', T, async (t) => {
  const admin = makeGpgSigner();
  const homes = [admin.home];
  t.after(() => homes.forEach(stopGpgAgent));
  await missingVerifier('gpg', admin, admin.fingerprint, (r) => {
    importGpgKey(admin, join(r.root, 'etc/dlan/gnupg'));
    homes.push(join(r.root, 'etc/dlan/gnupg'));
  });
});
