// The out-of-process rollback timer: an apply whose agent is SIGKILLed right after applying (or
// inside the apply, before it learned the snapshot id) is rolled back by the timer; a
// confirmation left behind by a reboot (agent and timer gone) is rolled back by the next sync.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigRepo } from './support/config-repo.ts';
import { BREAKING_LAN, callLines, calls, currentFile, fakeBackend } from './support/fake-backend.ts';
import { ENTRY, Router, soloConfig, waitFor } from './support/harness.ts';

const T = { timeout: 120_000 };

function agentProcess(root: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ENTRY, 'sync', '--root', root], {
    env: { ...process.env, DLAN_SYSLOG: '0', ...env },
    stdio: 'ignore',
  });
}

function state(root: string): any {
  return JSON.parse(readFileSync(join(root, 'etc/dlan/state.json'), 'utf8'));
}

async function setUp(): Promise<{ repo: ConfigRepo; r: Router; good: string; goodState: string }> {
  const repo = new ConfigRepo();
  const good = repo.commit('good', { 'dlan.yaml': soloConfig() });
  const r = new Router(fakeBackend({ remoteBare: repo.bare }));
  assert.equal((await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '5')).code, 0);
  assert.equal((await r.cli('sync')).code, 0);
  return { repo, r, good, goodState: readFileSync(currentFile(r.root), 'utf8') };
}

test('SIGKILL right after applying: the timer rolls the change back within confirm_timeout + grace', T, async () => {
  const { repo, r, good, goodState } = await setUp();
  const breaking = repo.commit('breaks the network', { 'dlan.yaml': soloConfig(BREAKING_LAN) });
  const child = agentProcess(r.root, { FAKE_REMOTE_BARE: repo.bare });
  const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_c, sig) => res(sig)));
  await waitFor('the agent to apply', () => callLines(r.root).some((l) => l.pid === child.pid && l.call.startsWith('apply-end')), 60_000, 5);
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  const killedAt = Date.now();
  assert.notEqual(readFileSync(currentFile(r.root), 'utf8'), goodState, 'the breaking change was applied');
  assert.ok(!existsSync(repo.bare), 'and the remote is unreachable');
  assert.ok(existsSync(join(r.root, 'etc/dlan/pending.json')), 'a confirmation is pending');

  await waitFor('the timer to roll back', () => !existsSync(join(r.root, 'etc/dlan/pending.json')) && calls(r.root).some((c) => c.startsWith('restore')), 30_000, 50);
  console.log(`rolled back ${Date.now() - killedAt} ms after the kill`);
  const restorer = callLines(r.root).find((l) => l.call.startsWith('restore'))!;
  assert.notEqual(restorer.pid, child.pid);
  assert.notEqual(restorer.pid, process.pid, 'restored by the detached timer process');
  assert.equal(readFileSync(currentFile(r.root), 'utf8'), goodState);
  assert.ok(existsSync(repo.bare), 'the remote is reachable again');
  const st = state(r.root);
  assert.equal(st.rollbacks[0].by, 'timer');
  assert.equal(st.rollbacks[0].sha, breaking);
  assert.equal(st.failedCommits[0].sha, breaking);
  assert.equal(st.applied.sha, good);
  const n = calls(r.root).length;
  const next = await r.cli('sync');
  assert.equal(next.code, 1);
  assert.match(next.stdout, /failed before/);
  assert.ok(!calls(r.root).slice(n).includes('apply-start'));
});

test('SIGKILL inside the apply (snapshot taken, id not yet known): the timer restores that snapshot', T, async () => {
  const { repo, r, goodState } = await setUp();
  const before = readdirSync(join(r.root, 'etc/dlan/snapshots'));
  repo.commit('slow apply', { 'dlan.yaml': soloConfig('192.168.70.0/24') });
  const child = agentProcess(r.root, { FAKE_APPLY_DELAY_MS: '3000' });
  await waitFor('the snapshot of the new apply', () => readdirSync(join(r.root, 'etc/dlan/snapshots')).length > before.length, 60_000, 5);
  child.kill('SIGKILL');
  const pending = JSON.parse(readFileSync(join(r.root, 'etc/dlan/pending.json'), 'utf8'));
  assert.equal(pending.snapshot, null, 'the agent died before it learned the snapshot id');
  await waitFor('the timer to roll back', () => !existsSync(join(r.root, 'etc/dlan/pending.json')), 30_000, 50);
  const fresh = readdirSync(join(r.root, 'etc/dlan/snapshots')).filter((n) => !before.includes(n))[0]!.replace(/\.json$/, '');
  assert.ok(calls(r.root).includes(`restore ${fresh}`), `restored the apply's own snapshot ${fresh}: ${calls(r.root).join(', ')}`);
  assert.equal(readFileSync(currentFile(r.root), 'utf8'), goodState);
});

test('a confirmation left by a reboot (agent and timer gone) is rolled back by the next sync', T, async () => {
  const { repo, r, goodState } = await setUp();
  const breaking = repo.commit('breaks the network', { 'dlan.yaml': soloConfig(BREAKING_LAN) });
  const child = agentProcess(r.root, { FAKE_REMOTE_BARE: repo.bare });
  await waitFor('the agent to apply', () => callLines(r.root).some((l) => l.pid === child.pid && l.call.startsWith('apply-end')), 60_000, 5);
  child.kill('SIGKILL');
  await waitFor('the timer pid', () => JSON.parse(readFileSync(join(r.root, 'etc/dlan/pending.json'), 'utf8')).timer !== null);
  const timerPid = Number(JSON.parse(readFileSync(join(r.root, 'etc/dlan/pending.json'), 'utf8')).timer.split(':')[0]);
  process.kill(timerPid, 'SIGKILL');
  // "After the reboot": the next sync finds the unconfirmed change and rolls it back first.
  const s = await r.cli('sync');
  assert.ok(!existsSync(join(r.root, 'etc/dlan/pending.json')));
  assert.equal(state(r.root).rollbacks[0].by, 'recovery');
  assert.equal(state(r.root).rollbacks[0].sha, breaking);
  assert.equal(readFileSync(currentFile(r.root), 'utf8'), goodState);
  assert.equal(s.code, 1, s.stdout);
  assert.match(s.stdout, /failed before/);
});
