// verify ssh|gpg: an unsigned commit and a commit signed by an unknown key are refused with a clear
// status and nothing applied; a commit signed by an allowed key applies. Real git, real
// ssh-keygen signatures, real gpg keys; the trust list comes from the local settings only.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigRepo, importGpgKey, makeGpgSigner, makeSshSigner, stopGpgAgent } from './support/config-repo.ts';
import { calls, currentFile, fakeBackend } from './support/fake-backend.ts';
import { Router, soloConfig } from './support/harness.ts';

const T = { timeout: 90_000 };

function applied(r: Router): string | null {
  const f = join(r.root, 'etc/dlan/state.json');
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')).applied?.sha ?? null : null;
}

test('verify ssh: unsigned and unknown-key commits are refused, an allowed key applies', T, async () => {
  const admin = makeSshSigner();
  const stranger = makeSshSigner();
  const repo = new ConfigRepo();
  const r = new Router(fakeBackend());
  const init = await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '5', '--verify', 'ssh', '--allowed-signer', admin.publicKey);
  assert.equal(init.code, 0, init.stderr);

  const unsigned = repo.commit('unsigned', { 'dlan.yaml': soloConfig() });
  const s1 = await r.cli('sync');
  assert.equal(s1.code, 1);
  assert.match(s1.stdout, /refused .*: the commit is not signed/);
  assert.equal(applied(r), null);
  assert.ok(!calls(r.root).includes('apply-start'));
  assert.ok(!existsSync(currentFile(r.root)), 'nothing applied');
  const st = await r.cli('status', '--json');
  assert.equal(st.code, 2);
  assert.match(JSON.parse(st.stdout).sync.lastError.reason, /not signed/);
  assert.equal(JSON.parse(st.stdout).sync.lastError.sha, unsigned);

  repo.commit('signed by a stranger', { 'dlan.yaml': soloConfig() }, stranger);
  const s2 = await r.cli('sync');
  assert.equal(s2.code, 1);
  assert.match(s2.stdout, /signed by a key that is not allowed \(SHA256:/);
  assert.ok(!existsSync(currentFile(r.root)));

  // A repo cannot extend its own trust: an allowed_signers file committed to it changes nothing.
  repo.commit('adds its own trust', { 'dlan.yaml': soloConfig(), '.allowed_signers': `dlan-signer ${stranger.publicKey}\n` }, stranger);
  assert.equal((await r.cli('sync')).code, 1);

  const good = repo.commit('signed by the admin', { 'dlan.yaml': soloConfig() }, admin);
  const s3 = await r.cli('sync');
  assert.equal(s3.code, 0, s3.stdout);
  assert.equal(applied(r), good);
  assert.ok(s3.logs.some((l) => l.includes('phase=verify') && l.includes('signer=dlan-signer')));
});

test('verify gpg: only commits signed by an allowed fingerprint whose key is in the router keyring apply', T, async (t) => {
  const admin = makeGpgSigner();
  const other = makeGpgSigner();
  const homes = [admin.home, other.home];
  t.after(() => homes.forEach(stopGpgAgent));
  const repo = new ConfigRepo();
  const r = new Router(fakeBackend());
  assert.equal((await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '5', '--verify', 'gpg', '--allowed-signer', admin.fingerprint)).code, 0);
  importGpgKey(admin, join(r.root, 'etc/dlan/gnupg'));
  // The other key is in the keyring too (valid signature) but not in allowed_signers.
  importGpgKey(other, join(r.root, 'etc/dlan/gnupg'));

  repo.commit('unsigned', { 'dlan.yaml': soloConfig() });
  const s1 = await r.cli('sync');
  assert.equal(s1.code, 1);
  assert.match(s1.stdout, /not signed/);

  repo.commit('signed by another key', { 'dlan.yaml': soloConfig() }, other);
  const s2 = await r.cli('sync');
  assert.equal(s2.code, 1);
  assert.match(s2.stdout, new RegExp(`not allowed \\(${other.fingerprint}\\)`));

  const unknown = makeGpgSigner();
  homes.push(unknown.home, join(r.root, 'etc/dlan/gnupg'));
  repo.commit('signed by a key the router does not have', { 'dlan.yaml': soloConfig() }, unknown);
  const s3 = await r.cli('sync');
  assert.equal(s3.code, 1);
  assert.match(s3.stdout, /not allowed/);
  assert.ok(!existsSync(currentFile(r.root)));

  const good = repo.commit('signed by the admin', { 'dlan.yaml': soloConfig() }, admin);
  const s4 = await r.cli('sync');
  assert.equal(s4.code, 0, s4.stdout);
  assert.equal(applied(r), good);
});
