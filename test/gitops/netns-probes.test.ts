// With the setting `netns` (Linux, issue #12 item 12) the router's interfaces live in a named
// network namespace, so the checks that look at them must run there too: the confirm baseline
// and checks after an apply (`wg show`, `birdc`) and the probes of `status`. They used to run in
// the agent's own namespace, where kernel WireGuard shows no `wg0`: the WireGuard check was
// skipped without a word. Real namespace, real `ip netns identify`; `wg` and `birdc` are shims
// first on PATH that write down the namespace they ran in (then fail, as on a router without
// the tunnel up yet).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fakeBackend } from './support/fake-backend.ts';
import { ConfigRepo, tempDir } from './support/config-repo.ts';
import { Router, soloConfig } from './support/harness.ts';

const NS = `dlp${process.pid % 100000}`;
const shims = tempDir('probe-shims');
const seen = join(shims, 'seen.log');
const savedPath = process.env.PATH;

before(() => {
  const add = spawnSync('ip', ['netns', 'add', NS], { encoding: 'utf8' });
  if (add.status !== 0) throw new Error(`needs root and network namespaces: ${add.stderr}`);
  const realWg = spawnSync('sh', ['-c', 'command -v wg'], { encoding: 'utf8' }).stdout.trim();
  for (const program of ['wg', 'birdc']) {
    const shim = join(shims, program);
    // `ip netns identify` prints the namespace's name, or nothing in the host's own. Probes only
    // (`wg show`, every birdc): `wg genkey`/`pubkey` of init go to the real wg.
    const probe = `echo "${program} ns=$(ip netns identify $$) $*" >> '${seen}'; echo '${program}: not up' >&2; exit 1`;
    writeFileSync(shim, program === 'wg' ? `#!/bin/sh\nif [ "$1" = show ]; then ${probe}; fi\nexec '${realWg}' "$@"\n` : `#!/bin/sh\n${probe}\n`);
    chmodSync(shim, 0o755);
  }
  process.env.PATH = `${shims}:${savedPath}`;
});

after(() => {
  process.env.PATH = savedPath;
  spawnSync('ip', ['netns', 'del', NS]);
});

const ran = (): string[] => (existsSync(seen) ? readFileSync(seen, 'utf8').trim().split('\n').filter(Boolean) : []);

test('netns: the confirm checks of a sync and the probes of status run in the namespace, not the host', { timeout: 120_000 }, async () => {
  const repo = new ConfigRepo();
  repo.commit('solo', { 'dlan.yaml': soloConfig() });
  const r = new Router(fakeBackend({ remoteBare: repo.bare }));
  const init = await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '5', '--schedule', 'none');
  assert.equal(init.code, 0, init.stderr);
  appendFileSync(join(r.root, 'etc/dlan/agent.yaml'), `netns: ${NS}\n`);

  const sync = await r.cli('sync');
  assert.equal(sync.code, 0, `${sync.stdout}${sync.stderr}${sync.logs.join('\n')}`);
  const bySync = ran();
  assert.ok(bySync.some((l) => l.startsWith(`wg ns=${NS} show wg0 dump`)), `the baseline's wg ran in ${NS}: ${bySync.join(' | ')}`);
  assert.ok(bySync.some((l) => l.startsWith(`birdc ns=${NS} `)), `the baseline's birdc ran in ${NS}: ${bySync.join(' | ')}`);
  assert.deepEqual(bySync.filter((l) => !l.includes(` ns=${NS} `)), [], 'nothing probed the host\'s own namespace');

  writeFileSync(seen, '');
  const status = await r.cli('status', '--json');
  const report = JSON.parse(status.stdout);
  const byStatus = ran();
  assert.ok(byStatus.some((l) => l.startsWith(`wg ns=${NS} show wg0 dump`)), `status's wg ran in ${NS}: ${byStatus.join(' | ')}`);
  assert.deepEqual(byStatus.filter((l) => !l.includes(` ns=${NS} `)), [], 'status probed the host\'s own namespace');
  assert.ok(report.wireguard !== undefined, 'status still reports WireGuard');
});

test('netns: status names a namespace that does not exist instead of probing the host', { timeout: 60_000 }, async () => {
  const repo = new ConfigRepo();
  repo.commit('solo', { 'dlan.yaml': soloConfig() });
  const r = new Router(fakeBackend({ remoteBare: repo.bare }));
  assert.equal((await r.cli('init', '--repo', repo.url, '--router', 'solo', '--schedule', 'none')).code, 0);
  appendFileSync(join(r.root, 'etc/dlan/agent.yaml'), `netns: ${NS}-gone\n`);
  writeFileSync(seen, '');
  const status = await r.cli('status', '--json');
  assert.doesNotMatch(`${status.stdout}${status.stderr}`, /\n\s+at \S+ \(/, 'no stack trace');
  const report = JSON.parse(status.stdout);
  assert.deepEqual(ran().filter((l) => l.startsWith('wg ')), [], 'no wg in the host\'s namespace');
  assert.match(report.wireguard.reason, new RegExp(`network namespace \\\`${NS}-gone\\\` does not exist`));
  assert.ok(report.problems.some((p: string) => p.includes(`${NS}-gone`)), `status names the missing namespace among its problems: ${report.problems.join('; ')}`);
});
