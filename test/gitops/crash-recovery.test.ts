// A run that dies mid-cycle (issue #12 items 4 and 6): SIGKILL inside the apply of a good commit.
// The rollback that follows (the timer's, or the next run's after a "reboot") checks the router
// once: healthy means the agent died, not the change, so the commit is not held (it used to be
// marked failed, never retried) and the next run records the death and tries the commit again.
// Runs that die twice on the same head hold it, so a commit that kills the agent (out of memory
// in load, say) does not make every run fetch and die again; the hold names --retry-failed.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigRepo } from './support/config-repo.ts';
import { calls, currentFile, fakeBackend } from './support/fake-backend.ts';
import { ENTRY, Router, soloConfig, waitFor } from './support/harness.ts';

const T = { timeout: 180_000 };

function state(root: string): any {
  return JSON.parse(readFileSync(join(root, 'etc/dlan/state.json'), 'utf8'));
}

/** A sync in its own process whose apply takes 3 s; SIGKILLed once the apply has taken its snapshot. */
async function killInsideApply(root: string, alsoTheTimer: boolean): Promise<void> {
  const snapshots = () => readdirSync(join(root, 'etc/dlan/snapshots')).length;
  const before = snapshots();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'sync', '--root', root], {
    env: { ...process.env, DLAN_SYSLOG: '0', FAKE_APPLY_DELAY_MS: '3000' },
    stdio: 'ignore',
  });
  const exited = new Promise((res) => child.on('exit', res));
  await waitFor('the apply to start', () => snapshots() > before, 60_000, 5);
  child.kill('SIGKILL');
  await exited;
  if (!alsoTheTimer) return;
  await waitFor('the timer pid', () => JSON.parse(readFileSync(join(root, 'etc/dlan/pending.json'), 'utf8')).timer !== null);
  process.kill(Number(JSON.parse(readFileSync(join(root, 'etc/dlan/pending.json'), 'utf8')).timer.split(':')[0]), 'SIGKILL');
}

test('a good commit whose agent was killed mid-apply is retried, and held after a second death', T, async () => {
  const repo = new ConfigRepo();
  repo.commit('good', { 'dlan.yaml': soloConfig() });
  const r = new Router(fakeBackend({ remoteBare: repo.bare }));
  assert.equal((await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '5')).code, 0);
  assert.equal((await r.cli('sync')).code, 0);

  // Killed inside the apply; the timer rolls back, finds the router healthy, holds nothing.
  const slow = repo.commit('slow apply', { 'dlan.yaml': soloConfig('192.168.70.0/24') });
  await killInsideApply(r.root, false);
  await waitFor('the timer to roll back', () => !existsSync(join(r.root, 'etc/dlan/pending.json')), 30_000, 50);
  assert.equal(state(r.root).rollbacks[0].by, 'timer');
  assert.match(state(r.root).rollbacks[0].reason, /healthy, so the commit is tried again/);
  assert.ok(!state(r.root).failedCommits.some((f: { sha: string }) => f.sha === slow), 'a death is not a verdict on the commit');
  const retried = await r.cli('sync');
  assert.equal(retried.code, 0, retried.stdout);
  assert.ok(retried.logs.some((l) => /phase=recover the run before died during apply of/.test(l)), retried.logs.join('\n'));
  assert.equal(state(r.root).applied.sha, slow, 'tried again, and applied');
  assert.match(readFileSync(currentFile(r.root), 'utf8'), /192\.168\.70\.0\/24/);

  // Another head; its runs die twice ("reboots": agent and timer gone each time).
  const deadly = repo.commit('kills the agent', { 'dlan.yaml': soloConfig('192.168.71.0/24') });
  await killInsideApply(r.root, true);
  await killInsideApply(r.root, true);
  const n = calls(r.root).length;
  const held = await r.cli('sync');
  assert.equal(held.code, 1);
  assert.match(held.stdout, new RegExp(`head ${deadly.slice(0, 12)} failed before: runs died twice during apply .*--retry-failed`));
  assert.ok(!calls(r.root).slice(n).includes('apply-start'), 'not tried a third time');
  assert.equal(state(r.root).rollbacks[0].by, 'recovery', 'the unconfirmed change was rolled back first');
  const st = JSON.parse((await r.cli('status', '--json')).stdout);
  assert.equal(st.sync.state, 'failed');
  const again = await r.cli('sync', '--retry-failed');
  assert.equal(again.code, 0, again.stdout);
  assert.equal(state(r.root).applied.sha, deadly);
});

test('a host error (this router is not in the commit) never holds the commit: the next run tries again', T, async () => {
  const repo = new ConfigRepo();
  const other = repo.commit('another router only', { 'dlan.yaml': soloConfig().replace('  solo:', '  other:') });
  const r = new Router(fakeBackend());
  assert.equal((await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '5')).code, 0);
  const first = await r.cli('sync');
  assert.equal(first.code, 1);
  assert.match(first.stdout, new RegExp(`^error: cannot apply ${other.slice(0, 12)}: .*solo`));
  assert.deepEqual(state(r.root).failedCommits, []);
  const second = await r.cli('sync');
  assert.doesNotMatch(second.stdout, /failed before/, 'tried again, not skipped');
  assert.match(second.stdout, /cannot apply/);
});
