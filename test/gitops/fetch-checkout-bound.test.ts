// A small pack that expands at checkout (issue #12 item 3): the fetch is bounded by max_repo_mb,
// but zeros, many files or a tree repeated under itself ("git bomb") compress to almost nothing.
// On OpenWrt the repo folder is RAM, so what a checkout would write is measured from the fetched
// objects first and a commit beyond the bounds is refused before anything is checked out.
// Real git, real repos; the hostile trees are built with git's plumbing, as a forge could.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigRepo, makeSshSigner } from './support/config-repo.ts';
import { calls, currentFile, fakeBackend } from './support/fake-backend.ts';
import { ForgeServer } from './support/forge-server.ts';
import { Router, soloConfig } from './support/harness.ts';

const T = { timeout: 180_000 };

const state = (r: Router): any => JSON.parse(readFileSync(join(r.root, 'etc/dlan/state.json'), 'utf8'));
const appliedLan = (r: Router): string => JSON.parse(readFileSync(currentFile(r.root), 'utf8')).lan[0].ipv4.cidr;
const repoDir = (r: Router) => join(r.root, 'var/lib/dlan/repo');
const incomingDir = (r: Router) => join(r.root, 'var/lib/dlan/repo.incoming');
const checkedOut = (r: Router) => execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoDir(r), encoding: 'utf8', env: { ...process.env, GIT_DIR: join(repoDir(r), '.git') } }).trim();
/** KB the router's /var/lib/dlan takes on disk (repo and anything left beside it). */
const usedKb = (r: Router) => Number(execFileSync('du', ['-sk', join(r.root, 'var/lib/dlan')], { encoding: 'utf8' }).split('\t')[0]);
const failed = (r: Router) => state(r).failedCommits.map((f: { sha: string; phase: string }) => [f.sha, f.phase]).sort();

function plumb(repo: ConfigRepo, args: string[], input = ''): string {
  return execFileSync('git', args, { cwd: repo.work, input, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }).trim();
}

/** A tree object from [mode, sha, name] entries, written without any work tree. */
function mktree(repo: ConfigRepo, entries: [string, string, string][]): string {
  const type = (mode: string) => (mode === '040000' ? 'tree' : 'blob');
  return plumb(repo, ['mktree'], entries.map(([mode, sha, name]) => `${mode} ${type(mode)} ${sha}\t${name}\n`).join(''));
}

const blob = (repo: ConfigRepo, text: string) => plumb(repo, ['hash-object', '-w', '--stdin'], text);

/**
 * Commits `extra` next to a valid dlan.yaml on top of the branch and pushes it; the admin's clone
 * moves to it without a checkout (`reset --soft`), so the next `repo.commit` builds on it.
 */
function pushTree(repo: ConfigRepo, message: string, extra: [string, string, string][]): string {
  const tree = mktree(repo, [['100644', blob(repo, soloConfig('192.168.77.0/24')), 'dlan.yaml'], ...extra]);
  const sha = plumb(repo, ['commit-tree', tree, '-p', repo.head(), '-m', message]);
  plumb(repo, ['push', '-q', '--force', 'origin', `${sha}:refs/heads/main`]);
  plumb(repo, ['reset', '-q', '--soft', sha]);
  return sha;
}

async function initRouter(repo: ConfigRepo, extra: string[]): Promise<Router> {
  const r = new Router(fakeBackend());
  const init = await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '5', ...extra);
  assert.equal(init.code, 0, init.stderr);
  return r;
}

/** A refused head left nothing behind: the previous checkout, the applied config and the repo folder's size are as before. */
function untouched(r: Router, applied: string, usedBefore: number): void {
  assert.equal(checkedOut(r), applied, 'the work tree still holds the applied commit');
  assert.equal(state(r).applied.sha, applied);
  assert.equal(appliedLan(r), '192.168.50.0/24', 'the router keeps its config');
  assert.ok(!existsSync(incomingDir(r)), 'the refused fetch is removed');
  assert.ok(usedKb(r) <= usedBefore + 256, `/var/lib/dlan takes ${usedKb(r)} KB, ${usedBefore} KB before`);
}

test('verify ssh: a signed commit whose 20 MB of zeros pack into a few KB is refused before checkout, reported, not fetched again; the next commit applies', T, async () => {
  const forge = await ForgeServer.start();
  try {
    const admin = makeSshSigner();
    const repo = new ConfigRepo();
    const small = repo.commit('small', { 'dlan.yaml': soloConfig() }, admin);
    const r = await initRouter(repo, ['--verify', 'ssh', '--allowed-signer', admin.publicKey, '--max-repo-mb', '1',
      '--report', 'gitea', '--report-url', forge.url, '--report-repo', 'admin/mesh', '--webhook-url', `${forge.url}/hook`]);
    assert.equal((await r.cli('sync')).code, 0);
    const before = usedKb(r);
    const zeros = repo.commit('zeros', { 'dlan.yaml': soloConfig('192.168.9.0/24'), 'zeros.bin': '\0'.repeat(20 << 20) }, admin);
    const n = calls(r.root).length;
    const s = await r.cli('sync');
    assert.equal(s.code, 1, s.stdout);
    assert.match(s.stdout, new RegExp(`refused ${zeros.slice(0, 12)}: .*would write (at least )?20\\.0 MB in 2 files.*more than max_repo_mb \\(1 MB\\)`));
    assert.ok(!calls(r.root).slice(n).includes('apply-start'), 'nothing applied');
    assert.ok(!existsSync(join(repoDir(r), 'zeros.bin')), 'the large file was never written');
    untouched(r, small, before);
    assert.deepEqual(failed(r), [[zeros, 'checkout']]);
    const st = JSON.parse((await r.cli('status', '--json')).stdout);
    assert.equal(st.sync.lastError.phase, 'checkout');
    assert.equal(st.sync.lastError.sha, zeros);
    assert.match(forge.statuses().find((x) => x.sha === zeros && x.state === 'failure')!.description, /refused \(checkout\)/);
    assert.ok(forge.hooks().some((h) => h.event === 'refused' && h.commit === zeros));

    const again = await r.cli('sync');
    assert.match(again.stdout, /failed before/);
    assert.ok(!again.logs.some((l) => l.includes('phase=fetch')), 'not downloaded again');

    const fixed = repo.commit('without the zeros', { 'dlan.yaml': soloConfig('192.168.10.0/24'), 'zeros.bin': null }, admin);
    const ok = await r.cli('sync');
    assert.equal(ok.code, 0, ok.stdout);
    assert.equal(state(r).applied.sha, fixed);
    assert.equal(checkedOut(r), fixed);
    assert.equal(appliedLan(r), '192.168.10.0/24');
  } finally {
    await forge.close();
  }
});

test('many files: small files counted in whole blocks against max_repo_mb, and more than 10000 files refused whatever max_repo_mb says', T, async () => {
  const repo = new ConfigRepo();
  const small = repo.commit('small', { 'dlan.yaml': soloConfig() });
  const r = await initRouter(repo, ['--max-repo-mb', '1']);
  assert.equal((await r.cli('sync')).code, 0);
  const before = usedKb(r);
  const tiny = blob(repo, 'x\n');

  // 400 files of two bytes: 800 bytes of content, 1.6 MB of tmpfs pages.
  const blocks = pushTree(repo, 'many small files', [['040000', mktree(repo, Array.from({ length: 400 }, (_, i) => ['100644', tiny, `f${i}`])), 'small']]);
  const s1 = await r.cli('sync');
  assert.equal(s1.code, 1, s1.stdout);
  assert.match(s1.stdout, /would write (at least )?1\.6 MB in 401 files and 1 folder, counted in 4 KB blocks: more than max_repo_mb \(1 MB\)/);
  untouched(r, small, before);

  // 12 000 entries of one blob: well within 64 MB, beyond the file count.
  assert.equal((await r.cli('init', '--repo', repo.url, '--router', 'solo', '--max-repo-mb', '64')).code, 0);
  const entries = Array.from({ length: 12_000 }, (_, i): [string, string, string] => ['100644', tiny, `f${i}`]);
  const many = pushTree(repo, 'many files', [['040000', mktree(repo, entries), 'many']]);
  const s2 = await r.cli('sync');
  assert.equal(s2.code, 1, s2.stdout);
  assert.match(s2.stdout, new RegExp(`refused ${many.slice(0, 12)}: .*12001 files.*more than 10000 files`));
  untouched(r, small, before);
  assert.deepEqual(failed(r), [[blocks, 'checkout'], [many, 'checkout']].sort());

  // A normal commit on top of the refused one is applied.
  const fixed = repo.commit('normal again', { 'dlan.yaml': soloConfig('192.168.11.0/24') });
  const ok = await r.cli('sync');
  assert.equal(ok.code, 0, ok.stdout);
  assert.equal(checkedOut(r), fixed);
  assert.equal(appliedLan(r), '192.168.11.0/24');
  assert.deepEqual(execFileSync('git', ['ls-files'], { cwd: repoDir(r), encoding: 'utf8', env: { ...process.env, GIT_DIR: join(repoDir(r), '.git') } }).trim().split('\n'), ['dlan.yaml']);
});

test('trees repeated under themselves (a git bomb) and folders nested too deep are refused from a few tree listings', T, async () => {
  const repo = new ConfigRepo();
  const small = repo.commit('small', { 'dlan.yaml': soloConfig() });
  const r = await initRouter(repo, []);
  assert.equal((await r.cli('sync')).code, 0);
  const before = usedKb(r);
  const empty = blob(repo, '');
  /** `levels` folders deep, each holding `fanout` copies of the one below; `fanout`^`levels` files. */
  const bomb = (fanout: number, levels: number): string => {
    let tree = mktree(repo, Array.from({ length: fanout }, (_, i) => ['100644', empty, `f${i}`]));
    for (let l = 1; l < levels; l++) tree = mktree(repo, Array.from({ length: fanout }, (_, i) => ['040000', tree, `d${i}`]));
    return tree;
  };

  // 16^4 = 65 536 files (the old agent checked them all out).
  const b1 = pushTree(repo, 'bomb', [['040000', bomb(16, 4), 'bomb']]);
  const s1 = await r.cli('sync');
  assert.equal(s1.code, 1, s1.stdout);
  assert.match(s1.stdout, new RegExp(`refused ${b1.slice(0, 12)}: .*65537 files and 4369 folders.*more than 10000 files`));
  untouched(r, small, before);

  // 10^10 files: refused as quickly, from ten tree listings.
  const b2 = pushTree(repo, 'bigger bomb', [['040000', bomb(10, 10), 'bomb']]);
  const started = Date.now();
  const s2 = await r.cli('sync');
  assert.equal(s2.code, 1, s2.stdout);
  assert.match(s2.stdout, new RegExp(`refused ${b2.slice(0, 12)}: .*10000000001 files`));
  assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
  untouched(r, small, before);

  // One file 40 folders down.
  let deep = mktree(repo, [['100644', empty, 'leaf']]);
  for (let l = 0; l < 40; l++) deep = mktree(repo, [['040000', deep, `d${l}`]]);
  const b3 = pushTree(repo, 'deep', [['040000', deep, 'deep']]);
  const s3 = await r.cli('sync');
  assert.equal(s3.code, 1, s3.stdout);
  assert.match(s3.stdout, new RegExp(`refused ${b3.slice(0, 12)}: .*folders nested more than 32 deep`));
  untouched(r, small, before);

  // A folder measured once near the top counts at its full depth where it appears again lower down.
  const chain = (levels: number, inner: string) => {
    let t = inner;
    for (let l = 0; l < levels; l++) t = mktree(repo, [['040000', t, `c${l}`]]);
    return t;
  };
  const twenty = chain(20, mktree(repo, [['100644', empty, 'leaf']]));
  const b4 = pushTree(repo, 'deep again', [['040000', twenty, 'a'], ['040000', chain(15, twenty), 'b']]);
  const s4 = await r.cli('sync');
  assert.equal(s4.code, 1, s4.stdout);
  assert.match(s4.stdout, new RegExp(`refused ${b4.slice(0, 12)}: .*folders nested more than 32 deep \\(b/c14/`));
  untouched(r, small, before);
  assert.deepEqual(failed(r), [[b1, 'checkout'], [b2, 'checkout'], [b3, 'checkout'], [b4, 'checkout']].sort());

  const fixed = repo.commit('normal again', { 'dlan.yaml': soloConfig('192.168.12.0/24') });
  const ok = await r.cli('sync');
  assert.equal(ok.code, 0, ok.stdout);
  assert.equal(checkedOut(r), fixed);
  assert.equal(appliedLan(r), '192.168.12.0/24');
});
