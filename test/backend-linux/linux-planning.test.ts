// The pure halves of the Linux backend: the interface planner on recorded `ip -j` shapes, and the
// service planner (which change needs which action, and why).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpLinks, parseWireguardDump, type CurrentNetState } from '../../agent/backend/linux/current-net-state.ts';
import { InterfacePlanError, planInterfaces } from '../../agent/backend/linux/plan-interfaces.ts';
import { noNetOwnership as emptyLedger } from '../../agent/backend/linux/net-ownership.ts';
import { planServiceActions } from '../../agent/backend/linux/linux-service-rules.ts';
import { parseServiceTable, ServiceTableError, systemdManager, tableManager } from '../../agent/backend/linux/service-manager.ts';
import type { FileRole } from '../../agent/backend/linux/render-linux-files.ts';
import { twoRouterState } from './linux-test-support.ts';

const KEYS = { ra: 'r/fqVyIhTD3x75i1E7GC8RJqJQBnDKpyGOTlu8L9THY=', rb: 'O0eQM2jqBhNqXjWRdQ0/EWBgHHEMAklQN5L4W/CvFGw=' };
const PRIV = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
const key = { path: '/etc/dlan/wireguard.key', privateKey: PRIV };

const addr = (local: string, prefixlen: number, family = local.includes(':') ? 'inet6' : 'inet') => ({ family, local, prefixlen, scope: 'global' });
/** ra fully converged, as `ip -j -d link` / `ip -j addr` / `wg show dump` show it. */
function convergedRa(): CurrentNetState {
  const links = [
    { ifname: 'lo', flags: ['LOOPBACK', 'UP'], mtu: 65536, link_type: 'loopback' },
    { ifname: 'eth0', flags: ['UP'], mtu: 1500, link_type: 'ether', address: '02:00:00:00:00:01', linkinfo: { info_kind: 'veth' } },
    { ifname: 'eth1', flags: ['UP'], mtu: 1500, link_type: 'ether', address: '02:00:00:00:00:02', linkinfo: { info_kind: 'bridge' } },
    { ifname: 'wg0', flags: ['POINTOPOINT', 'UP'], mtu: 1420, link_type: 'none', linkinfo: { info_kind: 'tun' } },
    { ifname: 'dlan_vx2', flags: ['UP'], mtu: 1370, link_type: 'ether', address: '8a:00:00:00:00:01', linkinfo: { info_kind: 'vxlan', info_data: { id: 258, local: '10.1.0.1', remote: '10.1.0.2', link: 'wg0', port: 4789 } } },
  ];
  const addrs = [
    { ifname: 'lo', addr_info: [addr('127.0.0.1', 8), addr('10.1.1.1', 32), addr('::1', 128), addr('fd00:0:1:1::1', 128)] },
    { ifname: 'eth0', addr_info: [addr('192.0.2.1', 24)] },
    { ifname: 'eth1', addr_info: [addr('10.2.0.1', 24), addr('fd79:2de7:db86:0::1', 64), { family: 'inet6', local: 'fe80::1', prefixlen: 64, scope: 'link' }] },
    { ifname: 'wg0', addr_info: [addr('10.1.0.1', 24), addr('fd00:0:1::1', 64)] },
    { ifname: 'dlan_vx2', addr_info: [addr('10.0.4.9', 30)] },
  ];
  return {
    links: parseIpLinks(JSON.stringify(links), JSON.stringify(addrs)),
    defaultRoutes: [],
    wireguard: parseWireguardDump(`${PRIV}\tpub\t51820\toff\n${KEYS.rb}\t(none)\t192.0.2.2:51820\t10.1.0.2/32,fd00:0:1::2/128\t0\t0\t0\t25\n`),
  };
}
const owned = () => ({ ...emptyLedger(), devices: ['dlan_vx2', 'wg0'] });

test('a converged namespace needs no step (IPv6 text forms compare canonically)', () => {
  const plan = planInterfaces(twoRouterState('ra', KEYS), convergedRa(), owned(), key);
  assert.deepEqual(plan.steps, []);
  assert.deepEqual(plan.ownership.devices, ['dlan_vx2', 'wg0']);
});

test('forwarding is switched on and strict rp_filter made loose, each only when different', () => {
  const cur = { ...convergedRa(), sysctls: { 'net.ipv4.ip_forward': '0', 'net.ipv6.conf.all.forwarding': '1', 'net.ipv4.conf.all.rp_filter': '1' } };
  const plan = planInterfaces(twoRouterState('ra', KEYS), cur, owned(), key);
  assert.deepEqual(plan.steps.map((s) => s.commands), [[{ sysctl: 'net.ipv4.ip_forward', value: '1' }], [{ sysctl: 'net.ipv4.conf.all.rp_filter', value: '2' }]]);
  const done = { ...convergedRa(), sysctls: { 'net.ipv4.ip_forward': '1', 'net.ipv6.conf.all.forwarding': '1', 'net.ipv4.conf.all.rp_filter': '0' } };
  assert.deepEqual(planInterfaces(twoRouterState('ra', KEYS), done, owned(), key).steps, [], 'rp_filter off (0) or loose (2) is left alone');
});

test('a preshared key is set on stdin when it differs, shown only as (secret changed), removed with /dev/null', () => {
  const psk = 'kBvhm2ho1aRE/8wDOfNY4NtHy7gUIV1E+6YbGbRtzv0=';
  const plan = planInterfaces(twoRouterState('ra', KEYS), convergedRa(), owned(), key, { rb: psk });
  assert.equal(plan.steps.length, 1);
  assert.deepEqual(plan.steps[0]!.commands, [{ argv: ['wg', 'set', 'wg0', 'peer', KEYS.rb, 'preshared-key', '/dev/stdin'], input: `${psk}\n` }]);
  assert.match(plan.steps[0]!.change.detail, /\(secret changed\)/);
  assert.ok(!JSON.stringify(plan.steps[0]!.change).includes(psk));
  const withKey = convergedRa();
  withKey.wireguard!.peers[0]!.presharedKey = psk;
  assert.deepEqual(planInterfaces(twoRouterState('ra', KEYS), withKey, owned(), key, { rb: psk }).steps, [], 'same key: nothing');
  const removal = planInterfaces(twoRouterState('ra', KEYS), withKey, owned(), key, {});
  assert.deepEqual(removal.steps[0]!.commands, [{ argv: ['wg', 'set', 'wg0', 'peer', KEYS.rb, 'preshared-key', '/dev/null'] }]);
});

test('an address dlan did not add is never claimed nor removed; one it added and no longer wants is removed', () => {
  const cur = convergedRa();
  cur.links.get('lo')!.addresses.push('192.168.77.1/32');
  const before = { ...owned(), addresses: [{ device: 'eth1', cidr: '10.9.0.1/24' }] };
  cur.links.get('eth1')!.addresses.push('10.9.0.1/24');
  const plan = planInterfaces(twoRouterState('ra', KEYS), cur, before, key);
  assert.deepEqual(plan.steps.map((s) => s.commands), [[{ argv: ['ip', '-4', 'address', 'del', '10.9.0.1/24', 'dev', 'eth1'] }]]);
  assert.ok(!plan.ownership.addresses.some((a) => a.cidr === '192.168.77.1/32'));
});

test('a VNI change recreates only that device; the peer, wg0 and addresses elsewhere stay', () => {
  const plan = planInterfaces(twoRouterState('ra', KEYS, { vni: 300 }), convergedRa(), owned(), key);
  assert.deepEqual(plan.steps[0]!.change, { kind: 'link', target: 'link dlan_vx2', op: 'change', detail: 'recreate: vni 258 → 300' });
  assert.deepEqual(plan.steps[0]!.commands.map((c) => ('argv' in c ? c.argv.slice(0, 4) : c)), [['ip', 'link', 'del', 'dev'], ['ip', 'link', 'add', 'dlan_vx2']]);
  assert.ok(plan.steps.every((s) => s.change.target.includes('dlan_vx2')));
});

test('a peer key change replaces the peer; the private key is never in a command or a detail', () => {
  const cur = convergedRa();
  cur.wireguard!.privateKey = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
  cur.wireguard!.peers[0]!.publicKey = KEYS.ra;
  const plan = planInterfaces(twoRouterState('ra', KEYS), cur, owned(), key);
  const argvs = plan.steps.flatMap((s) => s.commands.map((c) => ('argv' in c ? c.argv.join(' ') : '')));
  assert.ok(argvs.includes('wg set wg0 private-key /etc/dlan/wireguard.key'));
  assert.ok(argvs.includes(`wg set wg0 peer ${KEYS.ra} remove`));
  assert.ok(argvs.some((a) => a.startsWith(`wg set wg0 peer ${KEYS.rb} allowed-ips`)));
  assert.ok(!JSON.stringify(plan.steps).includes(PRIV));
});

test('a missing LAN device is a clear error, before anything runs', () => {
  const cur = convergedRa();
  cur.links.delete('eth1');
  assert.throws(() => planInterfaces(twoRouterState('ra', KEYS), cur, owned(), key), (e: unknown) => e instanceof InterfacePlanError && /LAN lan0 device `eth1` does not exist/.test((e as Error).message));
});

const changed = (...roles: FileRole[]) => new Map(roles.map((r) => [r, [`/${r}`]]));
const base = { nftReload: null, nftArgv: ['nft', '-f', '/etc/dlan/nftables.nft'], running: new Map(), pending: [] };

test('records or leases only: dnsmasq reload (SIGHUP); main file: restart; nothing: nothing', () => {
  const m = systemdManager(false);
  assert.deepEqual(planServiceActions({ ...base, changed: changed('dnsmasq-hosts') }, m).map((a) => a.argv), [['systemctl', 'reload', 'dnsmasq.service']]);
  assert.deepEqual(planServiceActions({ ...base, changed: changed('dnsmasq', 'dnsmasq-hosts') }, m).map((a) => a.argv), [['systemctl', 'restart', 'dnsmasq.service']]);
  assert.deepEqual(planServiceActions({ ...base, changed: new Map() }, m), []);
  assert.deepEqual(
    planServiceActions({ ...base, changed: changed('nginx', 'bird'), nftReload: 'x' }, m).map((a) => a.argv.join(' ')),
    ['nft -f /etc/dlan/nftables.nft', 'systemctl reload bird.service', 'systemctl reload dlan-nginx.service'],
  );
});

test('the command table: restart = stop + start when absent, not running = start, unmanaged = nothing', () => {
  const m = tableManager(parseServiceTable('services.json', JSON.stringify({ dnsmasq: { start: ['s'], stop: ['k'], reload: ['h'] }, bird: { reload: ['c'], start: ['b'] } })));
  assert.deepEqual(planServiceActions({ ...base, changed: changed('dnsmasq', 'nginx') }, m).map((a) => `${a.service} ${a.action}`), ['dnsmasq stop', 'dnsmasq start']);
  assert.deepEqual(planServiceActions({ ...base, changed: new Map(), running: new Map([['bird', false]]) }, m).map((a) => `${a.action} ${a.why}`), ['start not running']);
  assert.throws(() => parseServiceTable('s.json', '{"named": {}}'), ServiceTableError);
  assert.throws(() => parseServiceTable('s.json', '{"bird": {"reload": "birdc configure"}}'), /expected a non-empty list of strings/);
});

test('the net-state fingerprint a plan is checked against does not depend on row order (wireguard-go lists peers in no fixed order)', async () => {
  const { netStateText } = await import('../../agent/backend/linux/plan-linux.ts');
  const a = convergedRa();
  assert.ok(a.wireguard && a.wireguard.peers.length >= 1, 'fixture has WireGuard peers');
  const extra = { publicKey: KEYS.rb.replace('O0e', 'Z0e'), endpoint: null, allowedIps: ['10.9.0.2/32', 'fd00::2/128'], keepalive: 25, presharedKey: null };
  const one: CurrentNetState = { ...a, wireguard: { ...a.wireguard, peers: [...a.wireguard.peers, extra] } };
  const other: CurrentNetState = {
    ...a,
    wireguard: { ...a.wireguard, peers: [{ ...extra, allowedIps: [...extra.allowedIps].reverse() }, ...a.wireguard.peers] },
  };
  // The same peers in another order: the same fingerprint, so apply does not call the plan stale.
  assert.equal(netStateText(one), netStateText(other));
  // A real difference still shows.
  const changed: CurrentNetState = { ...a, wireguard: { ...a.wireguard, peers: [...a.wireguard.peers, { ...extra, keepalive: 0 }] } };
  assert.notEqual(netStateText(one), netStateText(changed));
});
