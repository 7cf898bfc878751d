// `dlan-agent status`: answers from local files and time-bounded probes; a real bird answers
// through its control socket, a bird that is down (and the absent wg0) show as unknown without
// failing the command. The JSON document keeps its documented shape.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigRepo, tempDir } from './support/config-repo.ts';
import { fakeBackend } from './support/fake-backend.ts';
import { Router, soloConfig, waitFor } from './support/harness.ts';

test('status: bird up, bird down, wg absent; JSON shape; exit codes', { timeout: 60_000 }, async () => {
  const dir = tempDir('bird');
  const socket = join(dir, 'bird.ctl');
  writeFileSync(
    join(dir, 'bird.conf'),
    'router id 10.1.1.1;\nprotocol device {}\nprotocol bfd bfd1 {}\nprotocol ospf v3 ospf4 { ipv4 { import all; export none; }; area 0 { interface "dlan_none" { type ptp; }; }; }\n',
  );
  execFileSync('bird', ['-c', join(dir, 'bird.conf'), '-s', socket, '-P', join(dir, 'bird.pid')]);
  try {
    await waitFor('bird socket', () => existsSync(socket), 10_000);
    const repo = new ConfigRepo();
    const sha = repo.commit('first', { 'dlan.yaml': soloConfig() });
    const r = new Router(fakeBackend());
    assert.equal((await r.cli('init', '--repo', repo.url, '--router', 'solo', '--bird-socket', socket)).code, 0);
    assert.equal((await r.cli('sync')).code, 0);
    const up = await r.cli('status', '--json');
    const doc = JSON.parse(up.stdout);
    assert.deepEqual(Object.keys(doc), ['schema', 'router', 'health', 'problems', 'sync', 'wireguard', 'ospf', 'bfd', 'services', 'exposures']);
    assert.deepEqual(doc.exposures, { unresolved: [] });
    assert.deepEqual(Object.keys(doc.sync), ['state', 'applied', 'remote', 'lastRun', 'nextRun', 'mode', 'lastError', 'lastAttempt', 'drift', 'rollbacks', 'pendingConfirmation', 'stateFile', 'running']);
    assert.equal(doc.sync.state, 'in-sync');
    assert.equal(doc.sync.applied.sha, sha);
    assert.equal(doc.sync.lastRun.result, 'applied');
    assert.equal(doc.ospf.available, true);
    assert.deepEqual(doc.ospf.neighbors, []);
    assert.equal(doc.bfd.available, true);
    assert.equal(doc.wireguard.available, false);
    assert.equal(doc.wireguard.interface, 'wg0');
    assert.equal(doc.services.bird, 'running');
    assert.ok(['dnsmasq', 'nginx', 'bird'].every((s) => ['running', 'stopped', 'unknown'].includes(doc.services[s])));
    const human = await r.cli('status');
    assert.match(human.stdout, /^router solo: /);
    assert.match(human.stdout, /sync\s+in-sync; applied [0-9a-f]{12} "first"/);
    assert.match(human.stdout, /ospf\s+no neighbours/);
    assert.ok(!human.stdout.includes('\x1b['), 'no colour when not a TTY');
    assert.equal(human.code, JSON.parse(up.stdout).health === 'healthy' ? 0 : 1);

    // An exposed service whose upstream name does not resolve is reported (nginx serves without it).
    const appliedFile = join(r.root, 'etc/dlan/applied-state.json');
    const applied = JSON.parse(readFileSync(appliedFile, 'utf8'));
    applied.state.services = [
      { name: 'web', protocol: 'tcp', listen: [{ raw: '80', family: 'ipv4', address: null, port: 80 }], upstreams: [{ host: 'nowhere.invalid', port: 80 }, { host: '10.9.9.9', port: 80 }], proxyProtocol: false },
    ];
    writeFileSync(appliedFile, JSON.stringify(applied));
    const exposed = JSON.parse((await r.cli('status', '--json')).stdout);
    assert.deepEqual(exposed.exposures, { unresolved: [{ service: 'web', upstream: 'nowhere.invalid:80' }] });
    assert.ok(exposed.problems.includes('service web: upstream nowhere.invalid:80 does not resolve (nginx serves without it)'), exposed.problems.join('; '));

    execFileSync('kill', [readFileSync(join(dir, 'bird.pid'), 'utf8').trim()]);
    await waitFor('bird to stop', () => !existsSync(join(dir, 'bird.pid')) || !existsSync(`/proc/${readFileSync(join(dir, 'bird.pid'), 'utf8').trim()}`), 10_000);
    const down = await r.cli('status', '--json');
    const d = JSON.parse(down.stdout);
    assert.equal(d.ospf.available, false);
    assert.equal(d.ospf.reason, 'bird is not answering');
    assert.equal(d.bfd.available, false);
    assert.equal(d.sync.state, 'in-sync', 'the sync part still answers');
    assert.equal(d.health, 'degraded');
    assert.ok(d.problems.some((p: string) => p.startsWith('ospf: bird is not answering')));
    assert.equal(down.code, 1);

    repo.commit('second', { 'dlan.yaml': soloConfig('192.168.99.0/24') });
    // Not fetched yet: status does not contact the remote, it shows the last check.
    assert.equal(JSON.parse((await r.cli('status', '--json')).stdout).sync.remote.sha, sha);
  } finally {
    try {
      execFileSync('kill', [readFileSync(join(dir, 'bird.pid'), 'utf8').trim()], { stdio: 'ignore' });
    } catch {
      // already stopped
    }
  }
});

test('status before init: failed, exit 2, says what to do', { timeout: 30_000 }, async () => {
  const r = new Router(fakeBackend());
  const s = await r.cli('status', '--json');
  assert.equal(s.code, 2);
  const doc = JSON.parse(s.stdout);
  assert.equal(doc.health, 'failed');
  assert.match(doc.problems[0], /run `dlan-agent init` first/);
  assert.equal(doc.sync.state, 'never-applied');
});
