// `dlan-agent rollback` by hand keeps the applied commit known (issue #12 item 11): status used to
// read "nothing applied yet" after it. The commit is held: status says failed with the reason,
// sync neither applies it again nor "corrects" the restored config back to it (an edit of the
// restored config is put back to it: rollback-keeps-restored.test.ts), and `sync --retry-failed`
// applies it anew.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { ConfigRepo } from './support/config-repo.ts';
import { calls, currentFile, fakeBackend } from './support/fake-backend.ts';
import { Router, soloConfig } from './support/harness.ts';

test('after a manual rollback status shows the applied commit, held; sync keeps the restored config, never the held commit', { timeout: 90_000 }, async () => {
  const repo = new ConfigRepo();
  repo.commit('one', { 'dlan.yaml': soloConfig() });
  const r = new Router(fakeBackend());
  assert.equal((await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '5')).code, 0);
  assert.equal((await r.cli('sync')).code, 0);
  const restored = readFileSync(currentFile(r.root), 'utf8');
  const second = repo.commit('two', { 'dlan.yaml': soloConfig('192.168.51.0/24') });
  assert.equal((await r.cli('sync')).code, 0);
  const rb = await r.cli('rollback');
  assert.equal(rb.code, 0, rb.stderr);
  assert.equal(readFileSync(currentFile(r.root), 'utf8'), restored);

  const doc = JSON.parse((await r.cli('status', '--json')).stdout);
  assert.equal(doc.sync.applied?.sha, second, 'the applied commit stays known');
  assert.equal(doc.sync.state, 'failed');
  assert.ok(doc.problems.some((p: string) => /rolled back by hand/.test(p)), doc.problems.join('; '));
  assert.doesNotMatch((await r.cli('status')).stdout, /nothing applied/);

  const n = calls(r.root).length;
  const s = await r.cli('sync');
  assert.equal(s.code, 1);
  assert.match(s.stdout, /failed before: rolled back by hand/);
  assert.ok(!calls(r.root).slice(n).includes('apply-start'), 'neither applied again nor corrected back to it');
  assert.equal(readFileSync(currentFile(r.root), 'utf8'), restored);

  writeFileSync(currentFile(r.root), '{"edited": true}\n');
  const kept = await r.cli('sync');
  assert.equal(kept.code, 0, kept.stdout);
  assert.match(kept.stdout, /^drift-corrected: .*drift on the restored config corrected \(1 item\(s\)\)/);
  assert.equal(readFileSync(currentFile(r.root), 'utf8'), restored, 'the restored config, put back');
  assert.ok(!calls(r.root).slice(n).includes('apply-start'), 'still not the held commit');

  const retry = await r.cli('sync', '--retry-failed');
  assert.equal(retry.code, 0, retry.stdout);
  assert.match(readFileSync(currentFile(r.root), 'utf8'), /192\.168\.51\.0\/24/);
  assert.match((await r.cli('sync')).stdout, /^unchanged/, 'the hold ended with the apply');
});
