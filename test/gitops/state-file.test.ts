// state.json that cannot be used (issue #12 item 7): a folder in its place used to end every run
// with exit 70 and a stack trace; a state written by a newer agent (higher schema) was set aside
// and overwritten; a damaged state.json made the agent forget a manual rollback's hold and apply
// the rolled-back commit again. Now: a clear error naming the file, nothing applied, the file left
// as it was; the hold lives in a file of its own.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigRepo } from './support/config-repo.ts';
import { calls, fakeBackend } from './support/fake-backend.ts';
import { Router, soloConfig } from './support/harness.ts';

const T = { timeout: 90_000 };

async function setUp(): Promise<{ repo: ConfigRepo; r: Router; stateFile: string }> {
  const repo = new ConfigRepo();
  repo.commit('one', { 'dlan.yaml': soloConfig() });
  const r = new Router(fakeBackend());
  assert.equal((await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '5')).code, 0);
  return { repo, r, stateFile: join(r.root, 'etc/dlan/state.json') };
}

test('a folder where state.json belongs: a clear error every run, nothing applied; status says damaged', T, async () => {
  const { r, stateFile } = await setUp();
  mkdirSync(stateFile, { recursive: true });
  const s = await r.cli('sync');
  assert.equal(s.code, 1);
  assert.match(s.stdout, /^error: .*etc\/dlan\/state\.json cannot be read \(.*\): fix or remove it/);
  assert.ok(!/\n\s+at /.test(s.stdout + s.stderr), 'no stack trace');
  assert.deepEqual(calls(r.root), [], 'nothing planned or applied');
  const st = await r.cli('status', '--json');
  assert.equal(JSON.parse(st.stdout).sync.stateFile, 'damaged');
});

test('a state.json of a newer schema is neither acted on nor overwritten', T, async () => {
  const { r, stateFile } = await setUp();
  const future = `${JSON.stringify({ schema: 2, applied: { sha: 'f'.repeat(40) }, somethingNew: [1, 2] })}\n`;
  mkdirSync(join(r.root, 'etc/dlan'), { recursive: true });
  writeFileSync(stateFile, future);
  const s = await r.cli('sync');
  assert.equal(s.code, 1);
  assert.match(s.stdout, /state\.json has schema 2, written by a newer dlan-agent/);
  assert.equal(readFileSync(stateFile, 'utf8'), future, 'left exactly as it was');
  assert.ok(!existsSync(`${stateFile}.corrupt`));
  assert.deepEqual(calls(r.root), []);
});

test('a manual rollback holds its commit even when state.json is damaged afterwards', T, async () => {
  const { repo, r, stateFile } = await setUp();
  assert.equal((await r.cli('sync')).code, 0);
  const second = repo.commit('two', { 'dlan.yaml': soloConfig('192.168.51.0/24') });
  assert.equal((await r.cli('sync')).code, 0);
  const rb = await r.cli('rollback');
  assert.equal(rb.code, 0, rb.stderr);
  writeFileSync(stateFile, '{"schema": 1, "applied": {"sha": 4');
  const n = calls(r.root).length;
  const s = await r.cli('sync');
  assert.match(s.stdout, new RegExp(`head ${second.slice(0, 12)} failed before: rolled back by hand`));
  assert.ok(!calls(r.root).slice(n).includes('apply-start'), 'the rolled-back commit is not applied again');
  rmSync(stateFile);
  const again = await r.cli('sync');
  assert.match(again.stdout, /failed before/, 'nor with no state.json at all');
});
