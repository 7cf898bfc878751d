// Issue #12 item 1: the flash fills up during an apply. /etc of the router root is a real small
// tmpfs (as /overlay is on a router: /var and /tmp stay elsewhere, in RAM), filled with a ballast
// file to leave a chosen number of free pages.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Backend } from '../../agent/backend/backend.ts';
import { ConfigRepo } from './support/config-repo.ts';
import { fakeBackend } from './support/fake-backend.ts';
import { Router, soloConfig } from './support/harness.ts';

const PAGE = 4096;
const mounts: string[] = [];
after(() => {
  for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
});

/** A new tmpfs of `size` at `dir` (created), unmounted when the file's tests end. */
function mountTmpfs(dir: string, size: string): string {
  mkdirSync(dir);
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  assert.equal(m.status, 0, `mount tmpfs: ${m.stderr}`);
  mounts.push(dir);
  return dir;
}

/** Whether anything is at `path`: the claim is a symlink to a token, dangling (existsSync would say no). */
function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Leaves `pages` free pages on the file system of `dir` (a ballast file takes the rest). */
function fillLeaving(dir: string, pages: number): string {
  const ballast = join(dir, 'ballast');
  const take = freeBytes(dir) - pages * PAGE;
  assert.ok(take >= 0, `only ${freeBytes(dir)} bytes free, wanted ${pages} pages`);
  writeFileSync(ballast, Buffer.alloc(take));
  assert.equal(freeBytes(dir), pages * PAGE, 'the ballast leaves exactly the pages asked for');
  return ballast;
}

const T = { timeout: 180_000 };

test('a rollback that cannot be recorded (flash full) lets go of its claim: the next sync recovers at once', T, async () => {
  const repo = new ConfigRepo();
  repo.commit('A', { 'dlan.yaml': soloConfig() });
  let fillOnApply = false;
  let ballast = '';
  const fake = fakeBackend();
  // The apply fills the flash and fails, as a write that hits ENOSPC would; the rollback's restore
  // (the fake keeps its router outside /etc) works, recording it in state.json cannot.
  const backend: Backend = {
    ...fake,
    async apply(prepared, ctx) {
      if (!fillOnApply) return fake.apply(prepared, ctx);
      fillOnApply = false;
      ballast = fillLeaving(join(ctx.root, 'etc'), 0);
      throw new Error('ENOSPC: no space left on device, write');
    },
  };
  const r = new Router(backend);
  const etc = mountTmpfs(join(r.root, 'etc'), '256k');
  assert.equal((await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '60')).code, 0);
  assert.equal((await r.cli('sync')).code, 0);

  const shaB = repo.commit('B', { 'dlan.yaml': soloConfig('192.168.70.0/24') });
  fillOnApply = true;
  const failed = await r.cli('sync');
  assert.notEqual(failed.code, 0);
  assert.ok(!present(join(etc, 'dlan/pending.claim')), `the claim is left held:\n${failed.logs.join('\n')}`);
  assert.ok(existsSync(join(etc, 'dlan/pending.json')), 'the unrecorded rollback is still pending: the next run records it');

  rmSync(ballast);
  const next = await r.cli('sync');
  assert.equal(next.code, 0, `${next.stdout}${next.logs.join('\n')}`);
  assert.ok(next.logs.some((l) => /phase=rollback .*by=recovery/.test(l)), next.logs.join('\n'));
  const state = JSON.parse(readFileSync(join(etc, 'dlan/state.json'), 'utf8'));
  assert.equal(state.applied.sha, shaB, 'recorded the rollback, then applied B');
  assert.ok(!existsSync(join(etc, 'dlan/pending.json')));
});
