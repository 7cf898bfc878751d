// The Linux backend for real: two routers in fresh network namespaces (each with its own mount
// namespace, so each wireguard-go keeps its own /var/run/wireguard), applied with the real `ip`,
// `wg`, wireguard-go and nft. Checks the result with `ip -j`/`wg show`, that packets cross
// VXLAN-over-WireGuard, that a second apply does nothing, that changing one link touches only that
// link, and restore/uninstall. Needs root and network namespaces (CI runs as root): otherwise it
// fails with a message saying so.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendContext } from '../../agent/backend/backend.ts';
import { createLinuxBackend } from '../../agent/backend/linux/linux-backend.ts';
import { planAndApply } from '../../agent/backend/backend.ts';
import { createNodeHost } from '../../agent/host/node-host.ts';
import type { Host } from '../../agent/host/host.ts';
import { encryptAgeArmored } from '../../agent/secrets/age-encrypt.ts';
import { parseRecipient } from '../../agent/secrets/age-keys.ts';
import { LinkSecretError } from '../../agent/secrets/open-link-secrets.ts';
import { ensureRouterAgeIdentity } from '../../agent/secrets/router-identity.ts';
import { randomBytesFrom } from '../../agent/secrets/random-bytes.ts';
import type { DesiredState } from '../../agent/slice/desired-state.ts';
import { countingHost, must, mutatingExecs, namespacedHost, sh, twoRouterState, type TwoRouterKeys } from './linux-test-support.ts';

const tag = `dlt${process.pid % 100000}`;
const routers = ['ra', 'rb'] as const;
type R = (typeof routers)[number];
const ns: Record<R, string> = { ra: `${tag}a`, rb: `${tag}b` };
const holders: Partial<Record<R, number>> = {};
const roots: Partial<Record<R, string>> = {};
const keys: TwoRouterKeys = { ra: '', rb: '' };
const quietHost = createNodeHost({ log: { log() {} } });
const backend = createLinuxBackend();

/** A command inside router r's network + mount namespace. */
function inR(r: R, argv: string[]) {
  return sh(['nsenter', '-t', String(holders[r]), '-m', '-n', '--', ...argv]);
}
function linkJson(r: R, dev: string) {
  const out = inR(r, ['ip', '-j', '-d', 'addr', 'show', 'dev', dev]);
  return out.code === 0 ? (JSON.parse(out.out)[0] as { ifindex: number; mtu: number; linkinfo?: { info_kind: string; info_data: Record<string, unknown> }; addr_info: { local: string; prefixlen: number; scope: string }[] }) : null;
}
const globalAddrs = (l: ReturnType<typeof linkJson>) => (l?.addr_info ?? []).filter((a) => a.scope !== 'link').map((a) => `${a.local}/${a.prefixlen}`).sort();

function ctx(r: R, host?: Host): BackendContext {
  return { host: host ?? namespacedHost(quietHost, holders[r]!), root: roots[r]!, reload: true };
}

async function holder(r: R): Promise<number> {
  // `ip netns exec` execs unshare, which execs sh, which execs sleep: the pid stays the same.
  const child = spawn('ip', ['netns', 'exec', ns[r], 'unshare', '-m', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs dlan-test-run /run && mkdir -p /run/wireguard && exec sleep infinity'], {
    stdio: 'ignore',
    detached: true,
  });
  child.unref();
  const pid = child.pid!;
  for (let i = 0; i < 100; i++) {
    if (existsSync(`/proc/${pid}/comm`) && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sleep') return pid;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`holder of ${r} did not start`);
}

before(async () => {
  const probe = sh(['ip', 'netns', 'add', ns.ra]);
  if (probe.code !== 0) throw new Error(`the Linux backend integration test needs root and network namespaces (CI runs as root): ip netns add failed: ${probe.err}`);
  must(['ip', 'netns', 'add', ns.rb]);
  // WAN: one veth between the two routers (192.0.2.0/24, "the internet"); ra's LAN: a bridge.
  must(['ip', 'link', 'add', 'eth0', 'netns', ns.ra, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns.rb]);
  must(['ip', '-n', ns.ra, 'link', 'add', 'eth1', 'type', 'bridge']);
  for (const r of routers) {
    holders[r] = await holder(r);
    const root = mkdtempSync(join(tmpdir(), `dlan-linux-${r}-`));
    roots[r] = root;
    mkdirSync(join(root, 'etc', 'dlan'), { recursive: true });
    const key = must(['wg', 'genkey']).trim();
    writeFileSync(join(root, 'etc', 'dlan', 'wireguard.key'), `${key}\n`, { mode: 0o600 });
    keys[r] = must(['wg', 'pubkey'], `${key}\n`).trim();
    // No daemons here (the lab runs them); nft runs for real.
    // Actions are `echo <service> <verb>` (counted as changes by mutatingExecs), checks `true`.
    const t = (s: string) => ({ start: ['echo', s, 'start'], reload: ['echo', s, 'reload'], restart: ['echo', s, 'restart'], stop: ['echo', s, 'stop'], check: ['true'] });
    writeFileSync(join(root, 'etc', 'dlan', 'services.json'), JSON.stringify({ dnsmasq: t('dnsmasq'), bird: t('bird'), nginx: t('nginx') }));
  }
});

after(() => {
  for (const r of routers) {
    // Every process in the router's namespace is ours (holder, wireguard-go): stop them by pid.
    for (const pid of sh(['ip', 'netns', 'pids', ns[r]]).out.split('\n').map(Number).filter((p) => p > 0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    if (holders[r]) {
      try {
        process.kill(holders[r]!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    sh(['ip', 'netns', 'del', ns[r]]);
    if (roots[r]) rmSync(roots[r]!, { recursive: true, force: true });
  }
});

async function pingOk(from: R, to: string): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    if (inR(from, ['ping', '-c', '1', '-W', '1', to]).code === 0) return true;
  }
  return false;
}

test('apply builds lo, LAN, WAN, wg0 (wireguard-go) and the VXLAN link; packets cross it', async () => {
  for (const r of routers) {
    const res = await planAndApply(backend, twoRouterState(r, keys), ctx(r));
    assert.ok(res.changes.length > 0 && res.snapshot !== null);
    assert.deepEqual(res.ran.filter((x) => !x.ok), [], 'every action ran');
    assert.ok(res.ran.some((x) => x.action.service === 'nftables'), 'the ruleset is loaded');
  }
  const vx = linkJson('ra', 'dlan_vx2')!;
  assert.equal(vx.linkinfo?.info_kind, 'vxlan');
  assert.deepEqual(
    { id: vx.linkinfo?.info_data['id'], local: vx.linkinfo?.info_data['local'], remote: vx.linkinfo?.info_data['remote'], link: vx.linkinfo?.info_data['link'], port: vx.linkinfo?.info_data['port'] },
    { id: 258, local: '10.1.0.1', remote: '10.1.0.2', link: 'wg0', port: 4789 },
  );
  assert.equal(vx.mtu, 1370);
  assert.deepEqual(globalAddrs(vx), ['10.0.4.9/30']);
  assert.deepEqual(globalAddrs(linkJson('ra', 'wg0')), ['10.1.0.1/24', 'fd00:0:1::1/64']);
  assert.equal(linkJson('ra', 'wg0')!.mtu, 1420);
  assert.deepEqual(globalAddrs(linkJson('ra', 'lo')).filter((a) => !a.startsWith('127.') && a !== '::1/128'), ['10.1.1.1/32', 'fd00:0:1:1::1/128']);
  assert.deepEqual(globalAddrs(linkJson('ra', 'eth1')), ['10.2.0.1/24', 'fd79:2de7:db86::1/64']);
  assert.deepEqual(globalAddrs(linkJson('rb', 'eth0')), ['192.0.2.2/24']);
  assert.match(inR('rb', ['ip', 'route', 'show', 'default']).out, /default via 192\.0\.2\.254 dev eth0/);

  const dump = inR('ra', ['wg', 'show', 'wg0', 'dump']).out.trim().split('\n');
  assert.equal(dump[0]!.split('\t')[2], '51820');
  const peer = dump[1]!.split('\t');
  assert.deepEqual([peer[0], peer[2], peer[3], peer[7]], [keys.rb, '192.0.2.2:51820', '10.1.0.2/32,fd00:0:1::2/128', '25']);
  assert.match(inR('rb', ['nft', 'list', 'table', 'inet', 'dlan']).out, /udp dport 51820 accept/);
  assert.ok(existsSync(join(roots.ra!, 'etc', 'dnsmasq.d', 'dlan.conf')) && existsSync(join(roots.ra!, 'etc', 'bird', 'bird.conf')));

  assert.ok(await pingOk('ra', '10.0.4.10'), 'ra reaches rb over VXLAN over WireGuard');
});

test('a second apply changes nothing: zero writes, zero commands that change anything, zero actions', async () => {
  for (const r of routers) {
    const { host, counters } = countingHost(namespacedHost(quietHost, holders[r]!));
    const plan = await backend.plan(twoRouterState(r, keys), ctx(r, host));
    assert.deepEqual(plan.changes, [], `${r}: plan shows no change`);
    assert.deepEqual(plan.actions, []);
    const res = await planAndApply(backend, twoRouterState(r, keys), ctx(r, host));
    assert.equal(res.snapshot, null);
    assert.deepEqual(res.ran, []);
    assert.deepEqual(counters.writes, [], `${r}: no file written`);
    assert.deepEqual(counters.removes, []);
    assert.deepEqual(mutatingExecs(counters.execs), [], `${r}: no command changed anything`);
  }
});

test('changing one link (its VNI) recreates only that VXLAN device; an MTU change is made in place', async () => {
  const wgBefore = linkJson('ra', 'wg0')!.ifindex;
  const { host, counters } = countingHost(namespacedHost(quietHost, holders.ra!));
  const res = await planAndApply(backend, twoRouterState('ra', keys, { vni: 300 }), ctx('ra', host));
  assert.ok(res.changes.length > 0);
  for (const c of res.changes) assert.match(c.target, /dlan_vx2/, `only the link changes, got ${c.kind} ${c.target}`);
  for (const argv of mutatingExecs(counters.execs)) assert.ok(argv.includes('dlan_vx2'), `unexpected command ${argv.join(' ')}`);
  assert.deepEqual(res.actions, [], 'a VNI change needs no daemon action');
  assert.equal(linkJson('ra', 'wg0')!.ifindex, wgBefore, 'wg0 was not recreated');
  assert.equal(linkJson('ra', 'dlan_vx2')!.linkinfo?.info_data['id'], 300);
  await planAndApply(backend, twoRouterState('rb', keys, { vni: 300 }), ctx('rb'));
  assert.ok(await pingOk('ra', '10.0.4.10'), 'the recreated link carries packets');

  const vxBefore = linkJson('ra', 'dlan_vx2')!.ifindex;
  const mtu = await planAndApply(backend, twoRouterState('ra', keys, { vni: 300, mtu: 1300 }), ctx('ra'));
  assert.deepEqual(mtu.changes.map((c) => `${c.kind} ${c.target} ${c.op}`), ['link link dlan_vx2 change']);
  assert.equal(linkJson('ra', 'dlan_vx2')!.ifindex, vxBefore, 'MTU changed in place');
  assert.equal(linkJson('ra', 'dlan_vx2')!.mtu, 1300);
});

test('restore puts the previous state back (files and interfaces)', async () => {
  const res = await backend.restore(ctx('ra'));
  assert.ok(res.snapshot !== null);
  assert.equal(linkJson('ra', 'dlan_vx2')!.mtu, 1370, 'back to the state before the MTU change');
  const again = await backend.plan(twoRouterState('ra', keys, { vni: 300 }), ctx('ra'));
  assert.deepEqual(again.changes, [], 'restored = the state that was applied before');
});

test('an address somebody else put on lo survives; uninstall removes what dlan made and nothing else', async () => {
  must(['nsenter', '-t', String(holders.ra), '-n', '--', 'ip', 'address', 'add', '192.168.77.1/32', 'dev', 'lo']);
  const plan = await backend.plan(twoRouterState('ra', keys, { vni: 300 }), ctx('ra'));
  assert.deepEqual(plan.changes, [], 'a foreign address is not dlan\'s business');
  const res = await backend.uninstall(ctx('ra'));
  assert.ok(res.changes.length > 0);
  assert.equal(linkJson('ra', 'wg0'), null);
  assert.equal(linkJson('ra', 'dlan_vx2'), null);
  assert.deepEqual(globalAddrs(linkJson('ra', 'lo')).filter((a) => !a.startsWith('127.') && a !== '::1/128'), ['192.168.77.1/32']);
  assert.deepEqual(globalAddrs(linkJson('ra', 'eth1')), []);
  assert.notEqual(inR('ra', ['nft', 'list', 'table', 'inet', 'dlan']).code, 0, 'table inet dlan is gone');
  assert.equal(existsSync(join(roots.ra!, 'etc', 'dnsmasq.d', 'dlan.conf')), false);
  assert.equal(existsSync(join(roots.ra!, 'etc', 'dlan', 'ledger.json')), false);
});

/** The state with the link's preshared key sealed (`sealed`), as the slice hands it to the backend. */
function withSealedPsk(state: DesiredState, sealed: string | null): DesiredState {
  return { ...state, links: state.links.map((l) => (sealed === null ? { ...l, sealedPresharedKey: undefined } : { ...l, sealedPresharedKey: sealed })) };
}
const pskColumn = (r: R) => inR(r, ['wg', 'show', 'wg0', 'preshared-keys']).out.trim().split('\t')[1];

test('sealed preshared key: opened with each router\'s age identity, set on both ends through stdin, packets cross; removed again', async () => {
  // ra was uninstalled by the test above: this also builds wg0 from nothing, with the key.
  const random = randomBytesFrom(quietHost);
  const recipients = [];
  for (const r of routers) recipients.push(parseRecipient((await ensureRouterAgeIdentity(quietHost, roots[r]!)).recipient)!);
  const psk = must(['wg', 'genpsk']).trim();
  const sealed = await encryptAgeArmored(Buffer.from(psk, 'base64'), recipients, random);

  for (const r of routers) {
    const { host, counters } = countingHost(namespacedHost(quietHost, holders[r]!));
    const plan = await backend.plan(withSealedPsk(twoRouterState(r, keys, { vni: 300 }), sealed), ctx(r, host));
    const peer = plan.changes.find((c) => c.target === `wireguard wg0 peer ${r === 'ra' ? 'rb' : 'ra'}`);
    assert.ok(peer, `${r}: the peer changes`);
    assert.match(peer.detail, /preshared-key \(secret changed\)/);
    assert.ok(!JSON.stringify(plan).includes(psk), `${r}: the plan never shows the key`);
    await planAndApply(backend, withSealedPsk(twoRouterState(r, keys, { vni: 300 }), sealed), ctx(r, host));
    const argvs = counters.execs.map((e) => e.join(' '));
    assert.ok(argvs.some((a) => a.includes('preshared-key /dev/stdin')), `${r}: set through stdin`);
    assert.ok(!argvs.some((a) => a.includes(psk)), `${r}: the key is on no command line`);
  }
  for (const r of routers) assert.equal(pskColumn(r), psk, `${r}: wg show wg0 preshared-keys`);
  assert.ok(await pingOk('ra', '10.0.4.10'), 'ra reaches rb with the preshared key on both ends');
  for (const r of routers) {
    const plan = await backend.plan(withSealedPsk(twoRouterState(r, keys, { vni: 300 }), sealed), ctx(r));
    assert.deepEqual(plan.changes, [], `${r}: same key again: no change`);
  }

  // A new key sealed to rb only: ra cannot open it and refuses before anything is written or run.
  const other = await encryptAgeArmored(Buffer.from(must(['wg', 'genpsk']).trim(), 'base64'), [recipients[1]!], random);
  const { host, counters } = countingHost(namespacedHost(quietHost, holders.ra!));
  await assert.rejects(planAndApply(backend, withSealedPsk(twoRouterState('ra', keys, { vni: 300 }), other), ctx('ra', host)), LinkSecretError);
  assert.deepEqual(counters.writes, []);
  assert.deepEqual(mutatingExecs(counters.execs), []);
  assert.equal(pskColumn('ra'), psk, 'the key in wg0 is unchanged');

  // The sealed key leaves the config: removed on both ends (preshared-key /dev/null).
  for (const r of routers) {
    const res = await planAndApply(backend, twoRouterState(r, keys, { vni: 300 }), ctx(r));
    assert.ok(res.changes.some((c) => /preshared-key removed/.test(c.detail)), `${r}: removal planned`);
    assert.equal(pskColumn(r), '(none)', `${r}: no preshared key any more`);
  }
  assert.ok(await pingOk('ra', '10.0.4.10'), 'and packets still cross');
});
