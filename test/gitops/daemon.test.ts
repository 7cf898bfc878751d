// `dlan-agent run`: schedule, jitter, backoff, SIGHUP/SIGUSR1 = sync now, SIGTERM waits for the
// running sync. First with a scripted runtime (every decision visible), then as a real process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AgentSignal, DaemonRuntime } from '../../agent/gitops/agent-deps.ts';
import { runDaemon } from '../../agent/gitops/run-daemon.ts';
import type { SyncOutcome } from '../../agent/gitops/cycle/run-sync.ts';
import { createNodeHost } from '../../agent/host/node-host.ts';
import { ConfigRepo } from './support/config-repo.ts';
import { fakeBackend } from './support/fake-backend.ts';
import { ENTRY, Router, soloConfig, waitFor } from './support/harness.ts';

function scripted(slept: number[]) {
  let tick: (() => void) | null = null;
  const handlers = new Map<AgentSignal, () => void>();
  const expressions: string[] = [];
  const runtime: DaemonRuntime = {
    schedule(expr, fn) {
      expressions.push(expr);
      tick = fn;
      return { stop: () => (tick = null), nextRun: () => 1_000_000 };
    },
    onSignal: (sig, h) => handlers.set(sig, h),
    delay: (ms) => {
      slept.push(ms);
      return { done: Promise.resolve(), cancel: () => {} };
    },
  };
  return { runtime, expressions, tick: () => tick?.(), signal: (s: AgentSignal) => handlers.get(s)!() };
}

const flush = () => new Promise((r) => setTimeout(r, 10));

test('daemon: cron from the interval, jitter before scheduled runs, backoff after failures, signals', { timeout: 30_000 }, async () => {
  const slept: number[] = [];
  const rt = scripted(slept);
  let now = 1_000_000;
  const base = createNodeHost({ log: { log: () => {} } });
  const host = { ...base, now: () => now };
  const runs: string[] = [];
  let result: SyncOutcome['result'] = 'applied';
  let release: (() => void) | null = null;
  let hold = false;
  const announced: (string | null)[] = [];
  const done = runDaemon({
    host,
    runtime: rt.runtime,
    log: { log: () => {}, flush: async () => {} },
    random: () => 0.5,
    interval: async () => 300,
    sync: async (why) => {
      runs.push(why);
      if (hold) await new Promise<void>((r) => (release = r));
      return { result, exitCode: 0, message: '', sha: null };
    },
    announceNext: async (at) => void announced.push(at),
  });
  await flush();
  assert.deepEqual(rt.expressions, ['0 */5 * * * *']);
  assert.deepEqual(runs, ['start']);
  assert.deepEqual(slept, [15_000], 'jitter: random 0.5 of 10 % of 300 s');
  rt.tick();
  await flush();
  assert.deepEqual(runs, ['start', 'schedule']);

  result = 'error';
  rt.tick();
  await flush();
  rt.tick();
  await flush();
  assert.equal(runs.length, 4, 'two failures in a row');
  now += 60_000;
  rt.tick();
  await flush();
  assert.equal(runs.length, 4, 'backoff: the next scheduled run is skipped');
  rt.signal('SIGUSR1');
  await flush();
  assert.equal(runs.at(-1), 'signal', 'a signal syncs at once, backoff or not');
  assert.equal(runs.length, 5);
  assert.equal(slept.length, 4, 'no jitter before a signalled sync');
  result = 'applied';
  rt.signal('SIGHUP');
  await flush();
  assert.equal(runs.length, 6);
  now += 10_000_000;

  hold = true;
  rt.tick();
  await flush();
  assert.equal(runs.length, 7);
  rt.signal('SIGUSR1');
  rt.signal('SIGUSR1');
  await flush();
  assert.equal(runs.length, 7, 'a signal during a sync is queued, not run in parallel');
  release!();
  await flush();
  assert.equal(runs.length, 8, 'and runs once after it');
  rt.signal('SIGTERM');
  let stopped = false;
  void done.then(() => (stopped = true));
  await flush();
  assert.equal(stopped, false, 'SIGTERM waits for the running sync');
  release!();
  assert.equal(await done, 0);
  assert.equal(runs.length, 8, 'nothing starts after SIGTERM');
  rt.tick();
  await flush();
  assert.equal(runs.length, 8);
  assert.equal(announced.at(-1), null, 'next run cleared on stop');
});

test('dlan-agent run as a process: syncs at start, SIGUSR1 syncs now, SIGTERM exits 0', { timeout: 90_000 }, async (t) => {
  const repo = new ConfigRepo();
  repo.commit('first', { 'dlan.yaml': soloConfig() });
  const r = new Router(fakeBackend());
  assert.equal((await r.cli('init', '--repo', repo.url, '--router', 'solo', '--interval', '3600', '--schedule', 'none')).code, 0);
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'run', '--root', r.root], { env: { ...process.env, DLAN_SYSLOG: '0' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  // A failed assertion must not leave the daemon running: its open pipe would keep the test
  // process (and CI) waiting forever.
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const runFile = join(r.root, 'var/run/dlan/run.json');
  const lastRun = () => (existsSync(runFile) ? JSON.parse(readFileSync(runFile, 'utf8')).lastRun?.at ?? null : null);
  // Start-up jitter is at most 10 % of an hour: too long to wait for, so ask for a sync now.
  await waitFor('the daemon to be up', () => stderr.includes('daemon started'), 30_000).catch((e) => {
    throw new Error(`${e.message}: ${stderr}`);
  });
  child.kill('SIGUSR1');
  await waitFor('a sync after SIGUSR1', () => lastRun() !== null && JSON.parse(readFileSync(runFile, 'utf8')).nextRun !== null, 30_000).catch((e) => {
    throw new Error(`${e.message}: ${stderr}`);
  });
  const run = JSON.parse(readFileSync(runFile, 'utf8'));
  assert.equal(run.mode, 'daemon');
  assert.equal(run.lastRun.result, 'applied');
  assert.equal(run.daemonPid, child.pid);
  assert.match(run.nextRun, /^\d{4}-/);
  const first = lastRun();
  repo.commit('second', { 'dlan.yaml': soloConfig('192.168.51.0/24') });
  child.kill('SIGHUP');
  await waitFor('a second sync after SIGHUP', () => lastRun() !== first, 30_000);
  assert.equal(JSON.parse(readFileSync(join(r.root, 'etc/dlan/state.json'), 'utf8')).applied.subject, 'second');
  child.kill('SIGTERM');
  assert.equal(await exited, 0, stderr);
  assert.match(stderr, /SIGTERM: stopping/);
});
