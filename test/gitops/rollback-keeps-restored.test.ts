// Issue #12 item 11, second half: after `dlan-agent rollback` the agent keeps correcting drift to
// the config the rollback restored until a commit is applied. It used to pause drift correction
// (an edit made after the rollback stayed), and a refused head brought the held commit back as
// "drift". Real git, real files below `--root`: the OpenWrt backend through the uci test double,
// the Linux backend on files (interfaces unmanaged: the netns tests cover those).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Backend } from '../../agent/backend/backend.ts';
import { createLinuxBackend } from '../../agent/backend/linux/linux-backend.ts';
import { openwrtBackend } from '../../agent/backend/openwrt/openwrt-backend.ts';
import { makeStockRoot, uci, uciVerbs, useUciDouble } from '../backend-openwrt/support/openwrt-root.ts';
import { ConfigRepo, tempDir } from './support/config-repo.ts';
import { invalidConfig, Router, soloConfig } from './support/harness.ts';

const T = { timeout: 180_000 };

/** A router that applied LAN .50, then .51, then rolled the .51 commit back by hand. */
async function rolledBack(backend: Backend, root: string): Promise<{ r: Router; repo: ConfigRepo; pub: string; held: string }> {
  const r = new Router(backend, { root });
  const repo = new ConfigRepo();
  const init = await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '120', '--schedule', 'none');
  assert.equal(init.code, 0, init.stderr);
  const pub = /public_key: (\S+)/.exec(init.stdout)![1]!;
  repo.commit('lan .50', { 'dlan.yaml': soloConfig('192.168.50.0/24', pub) });
  const s1 = await r.cli('sync');
  assert.equal(s1.code, 0, s1.stdout + s1.logs.join('\n'));
  const held = repo.commit('lan .51', { 'dlan.yaml': soloConfig('192.168.51.0/24', pub) });
  const s2 = await r.cli('sync');
  assert.match(s2.stdout, /^applied/, s2.stdout + s2.logs.join('\n'));
  const rb = await r.cli('rollback');
  assert.equal(rb.code, 0, rb.stderr);
  return { r, repo, pub, held };
}

const state = (r: Router) => JSON.parse(readFileSync(join(r.root, 'etc/dlan/state.json'), 'utf8'));

test('OpenWrt: after a manual rollback an owned UCI option and an owned file edited by hand are put back to the restored config, not to the held commit; the next commit is applied', T, async () => {
  const log = useUciDouble();
  try {
    const { r, repo, pub, held } = await rolledBack(openwrtBackend, makeStockRoot());
    const network = join(r.root, 'etc/config/network');
    const bird = join(r.root, 'etc/bird.conf');
    const restoredNetwork = readFileSync(network, 'utf8');
    const restoredBird = readFileSync(bird, 'utf8');
    assert.match(restoredNetwork, /192\.168\.50\.1/);
    assert.doesNotMatch(restoredNetwork, /192\.168\.51\./);
    const sync = async () => {
      writeFileSync(log, '');
      const run = await r.cli('sync');
      return { ...run, uci: uciVerbs(log) };
    };

    const quiet = await sync();
    assert.equal(quiet.code, 1, 'held: nothing to correct');
    assert.match(quiet.stdout, /failed before: rolled back by hand/);
    assert.deepEqual(quiet.uci, [], 'a router that matches the restored config runs no uci');
    assert.equal(readFileSync(network, 'utf8'), restoredNetwork);

    // An owned option changed with uci, and a section of the user's added in the same file.
    const lan = uci(r.root, ['show', 'network']).stdout.split('\n').find((l) => /\.ipaddr='192\.168\.50\.1'/.test(l))!;
    assert.equal(uci(r.root, ['set', `${lan.split('=')[0]!}=192.168.50.77`]).code, 0);
    assert.equal(uci(r.root, ['set', 'network.user_route=route']).code, 0);
    assert.equal(uci(r.root, ['set', 'network.user_route.target=10.99.0.0/16']).code, 0);
    assert.equal(uci(r.root, ['commit', 'network']).code, 0);
    writeFileSync(bird, `${restoredBird}protocol static extra { ipv4; route 10.66.0.0/16 blackhole; }\n`);

    const fixed = await sync();
    assert.equal(fixed.code, 0, fixed.stdout + fixed.logs.join('\n'));
    assert.match(fixed.stdout, /^drift-corrected: head \w+ failed before: rolled back by hand.*drift on the restored config corrected/);
    const now = readFileSync(network, 'utf8');
    assert.match(now, /option ipaddr '192\.168\.50\.1'/, 'the owned option is as the rollback restored it');
    assert.doesNotMatch(now, /192\.168\.50\.77|192\.168\.51\./, 'not the edit, and not the held commit');
    assert.match(now, /config route 'user_route'\n\toption target '10\.99\.0\.0\/16'/, 'what dlan does not own stays as the user left it');
    assert.equal(readFileSync(bird, 'utf8'), restoredBird, 'the owned file byte for byte');
    // Only the services whose config changed: network (uci) and bird (its file).
    assert.ok(fixed.logs.some((l) => /drift: 2 owned item\(s\) differ from the config the rollback restored .*; network reload, bird configure commit=/.test(l)), fixed.logs.join('\n'));
    assert.ok(!fixed.logs.some((l) => l.includes('phase=plan')), 'the held commit is not planned, let alone applied');
    const st = state(r);
    assert.equal(st.applied.sha, held, 'the held commit stays the applied one');
    assert.equal(st.drift.cause, 'drift');
    assert.ok(st.drift.kept, 'recorded as kept to the restored snapshot');
    assert.ok(st.drift.changes.includes('file /etc/bird.conf') && st.drift.changes.some((c: string) => c.startsWith('uci network.')), st.drift.changes.join());
    const status = JSON.parse((await r.cli('status', '--json')).stdout);
    assert.ok(status.problems.some((p: string) => /rolled back by hand \(snapshot \S+\): keeping the restored config until the branch moves; drift corrected .*: 2 item\(s\)/.test(p)), status.problems.join('\n'));

    const after = await sync();
    assert.equal(after.code, 1);
    assert.deepEqual(after.uci, [], 'corrected: no uci again');
    assert.match(readFileSync(network, 'utf8'), /config route 'user_route'/);

    // The branch moves: the new head is applied as usual and the hold ends.
    repo.commit('lan .52', { 'dlan.yaml': soloConfig('192.168.52.0/24', pub) });
    const moved = await sync();
    assert.match(moved.stdout, /^applied/, moved.stdout + moved.logs.join('\n'));
    assert.match(readFileSync(network, 'utf8'), /option ipaddr '192\.168\.52\.1'/);
    assert.ok(!existsSync(join(r.root, 'etc/dlan/hold.json')), 'the hold ended with the apply');
    assert.match((await sync()).stdout, /^unchanged/);
  } finally {
    delete process.env.DLAN_UCI;
  }
});

test('Linux: after a manual rollback an owned file edited by hand is put back to the restored config, also when the branch moves to a refused commit; a valid one is applied', T, async () => {
  const root = tempDir('linux-root');
  mkdirSync(join(root, 'etc'), { recursive: true });
  const { r, repo, pub, held } = await rolledBack(createLinuxBackend({ manageInterfaces: false }), root);
  const dnsmasq = join(root, 'etc/dnsmasq.d/dlan.conf');
  const restored = readFileSync(dnsmasq, 'utf8');
  assert.match(restored, /192\.168\.50\./);
  assert.doesNotMatch(restored, /192\.168\.51\./);

  writeFileSync(dnsmasq, restored.replace(/192\.168\.50\./g, '10.77.0.'));
  const fixed = await r.cli('sync');
  assert.equal(fixed.code, 0, fixed.stdout + fixed.logs.join('\n'));
  assert.match(fixed.stdout, /^drift-corrected/);
  assert.equal(readFileSync(dnsmasq, 'utf8'), restored, 'put back byte for byte, not the held commit');
  assert.equal(state(r).applied.sha, held);
  assert.ok(state(r).drift.kept);
  assert.match((await r.cli('sync')).stdout, /^skipped/, 'nothing more to correct');

  // A head that is refused is not a commit applied: the restored config is still kept.
  repo.commit('broken', { 'dlan.yaml': invalidConfig() });
  writeFileSync(dnsmasq, `${restored}# edited\n`);
  const refused = await r.cli('sync');
  assert.match(refused.stdout, /^refused.*drift on the restored config corrected/, refused.stdout + refused.logs.join('\n'));
  assert.equal(readFileSync(dnsmasq, 'utf8'), restored, 'not the held commit brought back as "drift"');

  repo.commit('lan .52', { 'dlan.yaml': soloConfig('192.168.52.0/24', pub) });
  const moved = await r.cli('sync');
  assert.match(moved.stdout, /^applied/, moved.stdout + moved.logs.join('\n'));
  assert.match(readFileSync(dnsmasq, 'utf8'), /192\.168\.52\./);
  assert.ok(!existsSync(join(root, 'etc/dlan/hold.json')));
  assert.match((await r.cli('sync')).stdout, /^unchanged/);
});
