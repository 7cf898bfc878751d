// The GitOps cycle end to end with real git (local bare repos), a loopback forge, and a fake
// backend that records what it is asked to do: init → sync → status, new commits, the no-op
// path, refused commits, rollback on a lost remote, remote down / DNS / corrupt
// state, the lock, reporting.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runSync } from '../../agent/gitops/cycle/run-sync.ts';
import { AGE_IDENTITY_IN_TEXT, parseIdentityFile } from '../../agent/secrets/age-keys.ts';
import { ConfigRepo } from './support/config-repo.ts';
import { BREAKING_LAN, callLines, calls, currentFile, fakeBackend } from './support/fake-backend.ts';
import { ForgeServer } from './support/forge-server.ts';
import { invalidConfig, Router, soloConfig } from './support/harness.ts';
import { changedPaths, treeSnapshot } from './support/tree-snapshot.ts';

const T = { timeout: 90_000 };
/** The volatile run folder, and the fake backend's own call log (a test artifact). */
const skipVolatile = (p: string) => p.startsWith('var/run') || p === 'fake/calls.log';

function state(r: Router): any {
  return JSON.parse(readFileSync(join(r.root, 'etc/dlan/state.json'), 'utf8'));
}

async function initRouter(repo: ConfigRepo, extra: string[] = [], backendOpts = {}): Promise<Router> {
  const r = new Router(fakeBackend(backendOpts));
  const init = await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '5', ...extra);
  assert.equal(init.code, 0, init.stderr);
  return r;
}

test('init writes settings, keys and cron line, prints the public_key/age_recipient snippet; re-running keeps both keys', T, async () => {
  const repo = new ConfigRepo();
  const r = new Router(fakeBackend());
  const first = await r.cli('init', '--repo', repo.url, '--router', 'solo', '--interval', '600');
  assert.equal(first.code, 0, first.stderr);
  const pub = /public_key: (\S+)/.exec(first.stdout)![1]!;
  assert.match(pub, /^[A-Za-z0-9+/]{43}=$/);
  const key = readFileSync(join(r.root, 'etc/dlan/wireguard.key'), 'utf8');
  assert.ok(!first.stdout.includes(key.trim()) && !first.stderr.includes(key.trim()), 'the private key is never printed');
  const recipient = /^    age_recipient: (\S+)$/m.exec(first.stdout)?.[1];
  assert.ok(recipient, `age_recipient in the snippet:\n${first.stdout}`);
  const ageKeyPath = join(r.root, 'etc/dlan/age.key');
  const ageKey = readFileSync(ageKeyPath, 'utf8');
  assert.equal(statSync(ageKeyPath).mode & 0o777, 0o600);
  assert.equal(parseIdentityFile(ageKey, ageKeyPath).recipient, recipient, 'the printed recipient is the identity\'s');
  const ageSecret = AGE_IDENTITY_IN_TEXT.exec(ageKey)![0];
  assert.ok(!first.stdout.includes(ageSecret) && !first.stderr.includes(ageSecret), 'the age identity is never printed');
  assert.match(first.stderr, /created age identity .*etc\/dlan\/age\.key/);
  const settings = readFileSync(join(r.root, 'etc/dlan/agent.yaml'), 'utf8');
  assert.match(settings, /repo: file:\/\//);
  assert.match(settings, /router: solo/);
  // Debian: the cron line calls the agent where dlan-agent.service runs it (one path, no symlink).
  const unitBin = /^ExecStart=(\S+) run$/m.exec(readFileSync(join(import.meta.dirname, '..', '..', 'packaging', 'debian', 'dlan-agent.service'), 'utf8'))![1];
  assert.equal(unitBin, '/usr/local/bin/dlan-agent');
  assert.match(readFileSync(join(r.root, 'etc/cron.d/dlan-agent'), 'utf8'), new RegExp(`^\\*/10 \\* \\* \\* \\* root ${unitBin} sync --jitter`, 'm'));
  // A line written by an earlier init (which called /usr/bin/dlan-agent) is replaced, not doubled.
  writeFileSync(join(r.root, 'etc/cron.d/dlan-agent'), '# dlan-agent: GitOps sync (managed by dlan-agent init)\n*/10 * * * * root /usr/bin/dlan-agent sync --jitter >/dev/null 2>&1\n');
  const again = await r.cli('init', '--repo', repo.url, '--router', 'solo', '--interval', '900');
  assert.equal(again.code, 0);
  assert.equal(/public_key: (\S+)/.exec(again.stdout)![1], pub, 'same key on a re-run');
  assert.equal(readFileSync(join(r.root, 'etc/dlan/wireguard.key'), 'utf8'), key);
  assert.equal(/^    age_recipient: (\S+)$/m.exec(again.stdout)?.[1], recipient, 'same age recipient on a re-run');
  assert.equal(readFileSync(ageKeyPath, 'utf8'), ageKey, 'the age identity is kept');
  assert.match(again.stderr, /kept the existing age identity/);
  const cron = readFileSync(join(r.root, 'etc/cron.d/dlan-agent'), 'utf8');
  assert.equal(cron.match(/dlan-agent sync/g)!.length, 1, 'the cron line is replaced, not added twice');
  assert.match(cron, /^\*\/15 /m);
  const bad = await r.cli('init', '--repo', repo.url, '--router', 'solo', '--interval', '420');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /cannot be a crontab schedule/);
});

test('init → sync applies the head; status says in sync; an unchanged repo writes and reloads nothing', T, async () => {
  const repo = new ConfigRepo();
  const sha = repo.commit('first', { 'dlan.yaml': soloConfig() });
  const r = await initRouter(repo);
  const s1 = await r.cli('sync');
  assert.equal(s1.code, 0, s1.stdout + s1.logs.join('\n'));
  assert.match(s1.stdout, /^applied: applied /);
  assert.deepEqual(calls(r.root), ['plan', 'apply-start', `apply-end ${calls(r.root)[2]!.split(' ')[1]}`]);
  assert.equal(JSON.parse(readFileSync(currentFile(r.root), 'utf8')).router, 'solo');
  const st = state(r);
  assert.equal(st.applied.sha, sha);
  assert.equal(st.applied.subject, 'first');
  assert.match(st.applied.author, /Admin/);
  for (const phase of ['fetch', 'load', 'plan', 'apply', 'confirm']) assert.ok(s1.logs.some((l) => l.includes(`phase=${phase}`) && l.includes(sha.slice(0, 12))), `log line for ${phase}`);
  const status = await r.cli('status', '--json');
  const doc = JSON.parse(status.stdout);
  assert.equal(doc.schema, 1);
  assert.equal(doc.router, 'solo');
  assert.equal(doc.sync.state, 'in-sync');
  assert.equal(doc.sync.applied.sha, sha);
  assert.equal(doc.sync.remote.sha, sha);
  assert.equal(doc.wireguard.available, false, 'no wg0 on the test machine: unknown, not an error');
  assert.notEqual(status.code, 2);

  const before = treeSnapshot(r.root, skipVolatile);
  const n = calls(r.root).length;
  const s2 = await r.cli('sync');
  assert.equal(s2.code, 0);
  assert.match(s2.stdout, /^unchanged/);
  assert.deepEqual(calls(r.root).slice(n), ['plan'], 'the no-op path only plans: no apply, no reload');
  assert.deepEqual(changedPaths(before, treeSnapshot(r.root, skipVolatile)), [], 'nothing written outside the volatile run folder');
});

test('a new commit is picked up by the next sync', T, async () => {
  const repo = new ConfigRepo();
  repo.commit('first', { 'dlan.yaml': soloConfig() });
  const r = await initRouter(repo);
  assert.equal((await r.cli('sync')).code, 0);
  const second = repo.commit('second', { 'dlan.yaml': soloConfig('192.168.51.0/24') });
  const s = await r.cli('sync');
  assert.equal(s.code, 0, s.stdout);
  assert.equal(state(r).applied.sha, second);
  assert.equal(JSON.parse(readFileSync(currentFile(r.root), 'utf8')).lan[0].ipv4.cidr, '192.168.51.0/24');
  // A force-pushed branch is not followed by default: see fetch-hardening.test.ts.
});

test('an invalid commit is refused with a clear status, nothing applied, not retried; the next good commit applies', T, async () => {
  const forge = await ForgeServer.start();
  try {
    const repo = new ConfigRepo();
    const good = repo.commit('good', { 'dlan.yaml': soloConfig() });
    const r = await initRouter(repo, ['--report', 'gitea', '--report-url', forge.url, '--report-repo', 'admin/mesh', '--webhook-url', `${forge.url}/hook`]);
    assert.equal((await r.cli('sync')).code, 0);
    const applied = readFileSync(currentFile(r.root), 'utf8');
    const bad = repo.commit('bad', { 'dlan.yaml': invalidConfig() });
    const s = await r.cli('sync');
    assert.equal(s.code, 1);
    assert.match(s.stdout, /refused .*invalid config: dlan\.yaml:\d+:\d+: routers\.solo\.id/);
    assert.equal(readFileSync(currentFile(r.root), 'utf8'), applied, 'the router keeps its last good config');
    const st = state(r);
    assert.equal(st.applied.sha, good);
    assert.equal(st.failedCommits[0].sha, bad);
    assert.equal(st.lastError.phase, 'load');
    const status = await r.cli('status', '--json');
    assert.equal(status.code, 2);
    assert.equal(JSON.parse(status.stdout).sync.state, 'failed');
    const before = calls(r.root).length;
    const again = await r.cli('sync');
    assert.equal(again.code, 1);
    assert.match(again.stdout, /failed before/);
    assert.ok(!calls(r.root).slice(before).includes('apply-start'), 'a failed commit is not retried');
    const fixed = repo.commit('fixed', { 'dlan.yaml': soloConfig('192.168.53.0/24') });
    const ok = await r.cli('sync');
    assert.equal(ok.code, 0, ok.stdout);
    assert.equal(state(r).applied.sha, fixed);
    assert.equal(state(r).lastError, null);
    const statuses = forge.statuses();
    assert.ok(forge.received.every((x) => x.url.startsWith('/api/v1/repos/admin/mesh/statuses/') || x.url === '/hook'));
    assert.deepEqual(statuses.filter((x) => x.sha === bad).map((x) => x.state), ['failure'], 'one failure status for the bad commit, not repeated');
    assert.match(statuses.find((x) => x.sha === bad)!.description, /refused \(load\)/);
    assert.deepEqual(statuses.filter((x) => x.sha === good).map((x) => x.state), ['pending', 'success']);
    assert.deepEqual(statuses.filter((x) => x.sha === fixed).map((x) => x.state), ['pending', 'success']);
    assert.ok(statuses.every((x) => x.context === 'dlan/solo'));
    const hooks = forge.hooks();
    assert.deepEqual(hooks.map((h) => h.event), ['applied', 'refused', 'recovered']);
  } finally {
    await forge.close();
  }
});

test('reporting failures never fail the sync', T, async () => {
  const forge = await ForgeServer.start();
  forge.answer = 500;
  try {
    const repo = new ConfigRepo();
    repo.commit('good', { 'dlan.yaml': soloConfig() });
    const tokenFile = join(repo.work, '..', 'token');
    writeFileSync(tokenFile, 'gh-secret-token\n');
    const r = await initRouter(repo, ['--report', 'github', '--report-url', forge.url, '--report-repo', 'admin/mesh', '--report-token-file', tokenFile, '--webhook-url', 'http://127.0.0.1:9/hook']);
    const s = await r.cli('sync');
    assert.equal(s.code, 0, s.stdout);
    assert.ok(s.logs.some((l) => /report: github commit status answered HTTP 500/.test(l)));
    assert.ok(s.logs.some((l) => /report: webhook failed/.test(l)));
    assert.ok(forge.received.length > 0 && forge.received.every((x) => /^\/repos\/admin\/mesh\/statuses\/[0-9a-f]{40}$/.test(x.url)), forge.received.map((x) => x.url).join());
    assert.equal(forge.received[0]!.headers.authorization, 'Bearer gh-secret-token');
    assert.ok(!s.logs.join('\n').includes('gh-secret-token'), 'the token is never logged');
  } finally {
    await forge.close();
  }
});

test('a commit whose apply makes the remote unreachable is rolled back within confirm_timeout and not retried', T, async () => {
  const repo = new ConfigRepo();
  const good = repo.commit('good', { 'dlan.yaml': soloConfig() });
  const r = await initRouter(repo, [], { remoteBare: repo.bare });
  assert.equal((await r.cli('sync')).code, 0);
  const goodState = readFileSync(currentFile(r.root), 'utf8');
  const breaking = repo.commit('breaks the network', { 'dlan.yaml': soloConfig(BREAKING_LAN) });
  const started = Date.now();
  const s = await r.cli('sync');
  const took = Date.now() - started;
  assert.equal(s.code, 1);
  assert.match(s.stdout, /^rolled-back: not confirmed within 5s: the config repo is unreachable/);
  console.log(`rolled back ${took} ms after the sync started`);
  const rollback = JSON.parse(readFileSync(join(r.root, 'etc/dlan/state.json'), 'utf8')).rollbacks[0];
  assert.equal(rollback.by, 'agent', 'rolled back by the agent itself, not by the timer');
  assert.equal(readFileSync(currentFile(r.root), 'utf8'), goodState, 'the snapshot was restored');
  assert.ok(existsSync(repo.bare), 'the fake restore put the remote back');
  const st = state(r);
  assert.equal(st.applied.sha, good);
  assert.equal(st.rollbacks[0].by, 'agent');
  assert.equal(st.rollbacks[0].sha, breaking);
  assert.equal(st.failedCommits[0].sha, breaking);
  assert.ok(!existsSync(join(r.root, 'etc/dlan/pending.json')), 'no pending confirmation left');
  const n = calls(r.root).length;
  const again = await r.cli('sync');
  assert.equal(again.code, 1);
  assert.ok(!calls(r.root).slice(n).includes('apply-start'), 'not retried until the branch moves');
  // The timer was cancelled: nothing else happens after its deadline.
  await new Promise((res) => setTimeout(res, 8000));
  assert.ok(!calls(r.root).slice(n).some((c) => c.startsWith('restore')), 'the cancelled timer did not roll back again');
});

test('remote down, DNS failure and a corrupt state file: last good config kept, reported, recovered on the next run', T, async () => {
  const forge = await ForgeServer.start();
  try {
    const repo = new ConfigRepo();
    const good = repo.commit('good', { 'dlan.yaml': soloConfig() });
    const r = await initRouter(repo, ['--webhook-url', `${forge.url}/hook`]);
    assert.equal((await r.cli('sync')).code, 0);
    const applied = readFileSync(currentFile(r.root), 'utf8');
    renameSync(repo.bare, `${repo.bare}.gone`);
    const down = await r.cli('sync');
    assert.equal(down.code, 1);
    assert.match(down.stdout, /^error: git ls-remote: remote unreachable/);
    assert.equal(readFileSync(currentFile(r.root), 'utf8'), applied);
    assert.equal(state(r).applied.sha, good);
    assert.equal(state(r).lastError.phase, 'fetch');
    assert.equal(forge.hooks().at(-1)!.event, 'error');
    renameSync(`${repo.bare}.gone`, repo.bare);
    const back = await r.cli('sync');
    assert.equal(back.code, 0, back.stdout);
    assert.equal(state(r).lastError, null);
    assert.equal(forge.hooks().at(-1)!.event, 'recovered');

    // DNS failure: a host name that cannot resolve (.invalid is reserved, no query leaves the machine's resolver config).
    const settingsFile = join(r.root, 'etc/dlan/agent.yaml');
    const settings = readFileSync(settingsFile, 'utf8');
    writeFileSync(settingsFile, settings.replace(/repo: .*/, 'repo: https://config.invalid/admin/mesh.git'));
    const dns = await r.cli('sync');
    assert.equal(dns.code, 1);
    assert.match(dns.stdout, /remote unreachable/);
    assert.equal(readFileSync(currentFile(r.root), 'utf8'), applied);
    writeFileSync(settingsFile, settings);

    writeFileSync(join(r.root, 'etc/dlan/state.json'), '{"schema": 1, "applied": {"sha": 4');
    const corrupt = await r.cli('sync');
    assert.equal(corrupt.code, 0, corrupt.stdout);
    assert.ok(corrupt.logs.some((l) => /state\.json was damaged/.test(l)));
    assert.ok(existsSync(join(r.root, 'etc/dlan/state.json.corrupt')));
    assert.equal(state(r).applied.sha, good, 'the head is recorded again (the router already matched it)');
    assert.equal(readFileSync(currentFile(r.root), 'utf8'), applied);
  } finally {
    await forge.close();
  }
});

test('two concurrent syncs never interleave; a stale lock of a dead process is taken over', T, async () => {
  const repo = new ConfigRepo();
  repo.commit('one', { 'dlan.yaml': soloConfig() });
  const r = await initRouter(repo, [], { applyDelayMs: 1500 });
  const [a, b] = await Promise.all([r.cli('sync', '--wait', '0'), r.cli('sync', '--wait', '0')]);
  const outs = [a.stdout, b.stdout].sort();
  assert.match(outs[0]!, /^applied/);
  assert.match(outs[1]!, /^busy: another sync is running/);
  assert.deepEqual(calls(r.root).filter((c) => c === 'apply-start').length, 1);

  repo.commit('two', { 'dlan.yaml': soloConfig('192.168.60.0/24') });
  const [c, d] = await Promise.all([r.cli('sync', '--wait', '30'), r.cli('sync', '--wait', '30')]);
  assert.equal(c.code, 0);
  assert.equal(d.code, 0);
  // The waiting one ran after the first finished: every plan/apply of one sync is contiguous.
  const lines = callLines(r.root);
  const starts = lines.filter((l) => l.call === 'apply-start');
  const ends = lines.filter((l) => l.call.startsWith('apply-end'));
  for (let i = 0; i < starts.length; i++) assert.ok(ends[i]!.at >= starts[i]!.at && (starts[i + 1] === undefined || starts[i + 1]!.at >= ends[i]!.at), 'no overlapping applies');

  // A lock left by a process that no longer exists.
  mkdirSync(join(r.root, 'var/run/dlan'), { recursive: true });
  symlinkSync('999999999:1:deadbeef', join(r.root, 'var/run/dlan/sync.lock'));
  const s = await r.cli('sync', '--wait', '0');
  assert.equal(s.code, 0, s.stdout);
  assert.match(s.stdout, /^unchanged/);
  assert.ok(s.logs.some((l) => /removed a stale lock/.test(l)));
});

test('runSync reports busy without touching anything while another process holds the lock', T, async () => {
  const repo = new ConfigRepo();
  repo.commit('one', { 'dlan.yaml': soloConfig() });
  const r = await initRouter(repo);
  mkdirSync(join(r.root, 'var/run/dlan'), { recursive: true });
  // Our own test process is alive: its identity makes a live holder.
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  symlinkSync(`${process.pid}:${start}:other`, join(r.root, 'var/run/dlan/sync.lock'));
  const s = await r.cli('sync', '--wait', '1');
  assert.equal(s.code, 0);
  assert.match(s.stdout, /^busy/);
  assert.deepEqual(calls(r.root), []);
  void runSync;
});
