// `dlan-agent review` on a real git repo: a change to one service shows up only on the routers that
// listen for it, with only an nginx reload; an unchanged tree exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'dlan-agent.js');

function repoWithReference(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dlan-review-'));
  cpSync(join(root, 'examples', 'reference'), join(dir, 'mesh'), { recursive: true });
  const git = (...a: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-qm', 'base');
  return dir;
}

test('review: changing one upstream touches only the routers listening, and only reloads nginx', () => {
  const dir = repoWithReference();
  try {
    const file = join(dir, 'mesh', 'dlan.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"10.2.1.10:80"', '"10.2.1.11:80"'));
    const r = spawnSync(process.execPath, [cli, 'review', join(dir, 'mesh'), '--base', 'main'], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stdout, /\| r4 \| changed \| nginx reload \|/);
    assert.match(r.stdout, /\| r5 \| changed \| nginx reload \|/);
    for (const x of ['r1', 'r2', 'r3']) assert.match(r.stdout, new RegExp(`\\| ${x} \\| unchanged \\| — \\|`));
    assert.match(r.stdout, /-\t\tserver 10\.2\.1\.10:80;\n\+\t\tserver 10\.2\.1\.11:80;/);
    assert.doesNotMatch(r.stdout, /private_key='/, 'keys never appear');
    const json = spawnSync(process.execPath, [cli, 'review', join(dir, 'mesh'), '--base', 'main', '--json'], { encoding: 'utf8' });
    const reviews = JSON.parse(json.stdout) as { router: string; change: string; diffs: { target: string }[] }[];
    assert.deepEqual(reviews.find((x) => x.router === 'r4')!.diffs.map((d) => d.target), ['/etc/nginx/module.d/zz-dlan-stream.module']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('review: a link cost change means birdc configure on both ends; no change exits 0', () => {
  const dir = repoWithReference();
  try {
    const same = spawnSync(process.execPath, [cli, 'review', join(dir, 'mesh'), '--base', 'main'], { encoding: 'utf8' });
    assert.equal(same.status, 0, same.stderr);
    const file = join(dir, 'mesh', 'dlan.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('cost: 5', 'cost: 7'));
    const r = spawnSync(process.execPath, [cli, 'review', join(dir, 'mesh'), '--base', 'main'], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stdout, /\| r2 \| changed \| bird configure \|/);
    assert.match(r.stdout, /\| r3 \| changed \| bird configure \|/);
    assert.match(r.stdout, /\| r1 \| unchanged \|/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('review: a Debian router (--linux) is reviewed as the Linux backend renders it, not as OpenWrt', () => {
  const dir = repoWithReference();
  try {
    const file = join(dir, 'mesh', 'dlan.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('cost: 5', 'cost: 7'));
    const r = spawnSync(process.execPath, [cli, 'review', join(dir, 'mesh'), '--base', 'main', '--linux', 'r2', '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    const reviews = JSON.parse(r.stdout) as { router: string; backend: string; diffs: { target: string }[]; actions: { service: string; action: string; argv: string[] }[] }[];
    const r2 = reviews.find((x) => x.router === 'r2')!;
    const r3 = reviews.find((x) => x.router === 'r3')!;
    assert.equal(r2.backend, 'linux');
    assert.deepEqual(r2.diffs.map((d) => d.target), ['/etc/bird/bird.conf'], 'the Debian path of bird.conf');
    assert.deepEqual(r2.actions.map((a) => a.argv.join(' ')), ['systemctl reload bird.service']);
    assert.equal(r3.backend, 'openwrt');
    assert.deepEqual(r3.diffs.map((d) => d.target), ['/etc/bird.conf']);
    assert.deepEqual(r3.actions.map((a) => a.argv.join(' ')), ['birdc configure']);
    const unknown = spawnSync(process.execPath, [cli, 'review', join(dir, 'mesh'), '--base', 'main', '--linux', 'r9'], { encoding: 'utf8' });
    assert.equal(unknown.status, 64, unknown.stderr);
    assert.match(unknown.stderr, /r9/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('review: an invalid proposal exits 1 with the validation messages', () => {
  const dir = repoWithReference();
  try {
    const file = join(dir, 'mesh', 'dlan.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('id: 5', 'id: 4'));
    const r = spawnSync(process.execPath, [cli, 'review', join(dir, 'mesh'), '--base', 'main'], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /dlan\.yaml:\d+:\d+: routers\.r5\.id/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
