// `status` while a cycle runs, and after the process running it died (SIGKILL, as the OOM killer
// sends): the marker it left in run.json names its process, which is gone, so status reports the
// run as dead and the sync as failed at once, not only after the next run recorded it. A real
// agent process, killed for real.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigRepo } from './support/config-repo.ts';
import { fakeBackend } from './support/fake-backend.ts';
import { ENTRY, Router, soloConfig, waitFor } from './support/harness.ts';

test('status reports a live cycle as running, and the same cycle as dead once its process is killed', { timeout: 120_000 }, async () => {
  const repo = new ConfigRepo();
  repo.commit('first', { 'dlan.yaml': soloConfig() });
  const r = new Router(fakeBackend());
  assert.equal((await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '5', '--schedule', 'none')).code, 0);
  assert.equal((await r.cli('sync')).code, 0);
  const sha = repo.commit('second', { 'dlan.yaml': soloConfig('192.168.70.0/24') });

  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'sync', '--root', r.root], { env: { ...process.env, DLAN_SYSLOG: '0', FAKE_PLAN_DELAY_MS: '60000' }, stdio: 'ignore' });
  const exited = new Promise((res) => child.on('exit', res));
  const runFile = join(r.root, 'var/run/dlan/run.json');
  await waitFor('the plan to start', () => JSON.parse(readFileSync(runFile, 'utf8')).running?.phase === 'plan', 60_000, 20);

  const live = JSON.parse((await r.cli('status', '--json')).stdout);
  assert.deepEqual(live.sync.running, { sha, phase: 'plan', at: live.sync.running.at, pid: child.pid, alive: true });
  assert.equal(live.sync.state, 'in-sync', 'a live run is not a failure');

  child.kill('SIGKILL');
  await exited;
  const dead = await r.cli('status', '--json');
  const doc = JSON.parse(dead.stdout);
  assert.equal(doc.sync.running.alive, false);
  assert.equal(doc.sync.state, 'failed');
  assert.equal(doc.health, 'failed');
  assert.equal(dead.code, 2);
  assert.ok(doc.problems.some((p: string) => new RegExp(`the run in plan of ${sha.slice(0, 12)} since .* died`).test(p)), doc.problems.join('\n'));
  const text = await r.cli('status');
  assert.match(text.stdout, new RegExp(`sync      failed;[\\s\\S]*running   DIED in plan of ${sha.slice(0, 12)} since \\d+s ago \\(pid ${child.pid}\\)`));

  // The next run records the death and applies the head; status is in sync again.
  assert.equal((await r.cli('sync')).code, 0);
  const after = JSON.parse((await r.cli('status', '--json')).stdout);
  assert.equal(after.sync.running, null);
  assert.equal(after.sync.state, 'in-sync');
});
