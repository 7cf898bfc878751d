// The sync lock against what may be at its path besides a lock (issue #12 item 5): a regular
// file or a folder there is an error that names the path, returned within --wait, never a lock
// taken (a folder used to take `ln -s` into it: no mutual exclusion) and never an endless wait (a
// failing `ln` with nothing readable used to spin forever, --wait ignored, cron piling up runs).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigRepo } from './support/config-repo.ts';
import { calls, fakeBackend } from './support/fake-backend.ts';
import { Router, soloConfig } from './support/harness.ts';
import { makeReadOnly } from '../support/read-only-mount.ts';

const T = { timeout: 60_000 };

async function setUp(): Promise<{ r: Router; lock: string }> {
  const repo = new ConfigRepo();
  repo.commit('one', { 'dlan.yaml': soloConfig() });
  const r = new Router(fakeBackend());
  assert.equal((await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '5')).code, 0);
  mkdirSync(join(r.root, 'var/run/dlan'), { recursive: true });
  return { r, lock: join(r.root, 'var/run/dlan/sync.lock') };
}

test('a regular file at the lock path: sync says so and stops (not a lock, not a wait without end)', T, async () => {
  const { r, lock } = await setUp();
  writeFileSync(lock, 'not a lock\n');
  const s = await r.cli('sync', '--wait', '1');
  assert.equal(s.code, 1, s.stdout);
  assert.match(s.stdout, /^error: cannot take the sync lock .*var\/run\/dlan\/sync\.lock: .*remove whatever else is there/);
  assert.equal(readFileSync(lock, 'utf8'), 'not a lock\n', 'the file is left as it was');
  assert.deepEqual(calls(r.root), [], 'nothing planned or applied');
  const rb = await r.cli('rollback');
  assert.equal(rb.code, 1);
  assert.match(rb.stderr, /cannot take the sync lock/);
});

test('a folder at the lock path is not a lock: sync refuses instead of running without mutual exclusion', T, async () => {
  const { r, lock } = await setUp();
  mkdirSync(lock);
  const s = await r.cli('sync', '--wait', '0');
  assert.equal(s.code, 1, s.stdout);
  assert.match(s.stdout, /^error: cannot take the sync lock/);
  assert.deepEqual(readdirSync(lock), [], 'nothing was linked inside the folder');
  assert.deepEqual(calls(r.root), [], 'nothing planned or applied');
});

test('a read-only /var/run: sync says so at once, naming the path, and does not suggest removing anything', T, async () => {
  const { r } = await setUp();
  makeReadOnly(join(r.root, 'var/run'));
  const started = Date.now();
  const s = await r.cli('sync', '--wait', '5');
  assert.equal(s.code, 1, s.stdout);
  assert.match(s.stdout, /^error: cannot take the sync lock \S*\/var\/run\/dlan\/sync\.lock: EROFS: read-only file system, symlink .*\n$/);
  assert.doesNotMatch(s.stdout, /remove whatever/, 'nothing is in the way: the file system is read-only');
  assert.ok(Date.now() - started < 4000, 'no wait for a lock that cannot be made');
  assert.deepEqual(calls(r.root), [], 'nothing planned or applied');
});
