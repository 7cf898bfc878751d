// Roaming VPN clients through the pipeline, on examples/roaming-client: laptop and phone at home on
// `cloud`, the phone's egress `office`, the tablet at home and egress on `office`, `home` serving
// none. What each router's slice holds, what bird advertises, what UCI and nftables get, and the
// Linux reconciler's peers and routes. The nft ruleset is loaded by the kernel in a scratch netns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../agent/load/load-config.ts';
import type { Config } from '../../agent/config/config-types.ts';
import { sliceRouter } from '../../agent/slice/slice-router.ts';
import { renderBirdConf } from '../../agent/render/bird/render-bird-conf.ts';
import { renderUci } from '../../agent/backend/openwrt/render/render-uci.ts';
import { renderNftRuleset } from '../../agent/backend/linux/render-nftables.ts';
import { parseDeviceRoutes, parseIpLinks, type CurrentNetState } from '../../agent/backend/linux/current-net-state.ts';
import { planInterfaces } from '../../agent/backend/linux/plan-interfaces.ts';
import { noNetOwnership as emptyLedger } from '../../agent/backend/linux/net-ownership.ts';

const root = join(import.meta.dirname, '..', '..');

function example(): Config {
  const loaded = loadConfig([{ path: 'dlan.yaml', text: readFileSync(join(root, 'examples', 'roaming-client', 'dlan.yaml'), 'utf8') }]);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.config;
}
const config = example();
const KEY = Object.fromEntries(config.clients.map((c) => [c.name, c.public_key]));

test('slice: the home router peers with its clients and advertises them; egress peers without advertising', () => {
  const cloud = sliceRouter(config, 'cloud');
  assert.deepEqual(cloud.wireguard.clients, [
    { client: 'laptop', clientId: 1, publicKey: KEY.laptop, allowedIps: ['10.1.2.1/32', 'fd00:0:1:2::1/128'], role: 'home' },
    { client: 'phone', clientId: 2, publicKey: KEY.phone, allowedIps: ['10.1.2.2/32', 'fd00:0:1:2::2/128'], role: 'home' },
  ]);
  assert.deepEqual(cloud.ospf.clientPrefixes, { ipv4: ['10.1.2.1/32', '10.1.2.2/32'], ipv6: ['fd00:0:1:2::1/128', 'fd00:0:1:2::2/128'] });
  assert.equal(cloud.firewall.clientEgress, undefined, 'no client leaves through cloud');
  // The link peers are untouched: clients are a list of their own.
  assert.deepEqual(cloud.wireguard.peers.map((p) => p.router), ['home', 'office']);

  const office = sliceRouter(config, 'office');
  assert.deepEqual(office.wireguard.clients?.map((c) => [c.client, c.role]), [['phone', 'egress'], ['tablet', 'home']]);
  assert.deepEqual(office.ospf.clientPrefixes, { ipv4: ['10.1.2.5/32'], ipv6: ['fd00:0:1:2::5/128'] }, 'the phone is advertised by its home only');
  assert.deepEqual(office.firewall.clientEgress, { ipv4: ['10.1.2.2/32', '10.1.2.5/32'], ipv6: ['fd00:0:1:2::2/128', 'fd00:0:1:2::5/128'] });

  const home = sliceRouter(config, 'home');
  assert.equal('clients' in home.wireguard, false);
  assert.equal('clientPrefixes' in home.ospf, false);
  assert.equal('clientEgress' in home.firewall, false);
});

test('slice: a router with an endpoint serving clients opens its WireGuard port even without links', () => {
  const solo: Config = { ...config, routers: config.routers.filter((r) => r.name === 'cloud'), links: [], clients: config.clients.filter((c) => c.home === 'cloud' && c.egress === null) };
  assert.deepEqual(sliceRouter(solo, 'cloud').firewall.wanInput.map((o) => o.name), ['dlan_udp_51820']);
  assert.deepEqual(sliceRouter({ ...solo, clients: [] }, 'cloud').firewall.wanInput, []);
});

test('DNS: the home router answers <client>.<home>.<domain> with the client\'s addresses', () => {
  const names = (router: string) => sliceRouter(config, router).dns.records.filter((r) => r.addresses.some((x) => x.startsWith('10.1.2.')));
  assert.deepEqual(names('cloud'), [
    { name: 'laptop.cloud.lan', addresses: ['10.1.2.1', 'fd00:0:1:2::1'] },
    { name: 'phone.cloud.lan', addresses: ['10.1.2.2', 'fd00:0:1:2::2'] },
  ]);
  assert.deepEqual(names('office'), [{ name: 'tablet.office.lan', addresses: ['10.1.2.5', 'fd00:0:1:2::5'] }], 'the egress router does not name the phone');
  assert.deepEqual(names('home'), []);
  // Other routers reach the name through the existing delegation of cloud.lan to cloud.
  assert.ok(sliceRouter(config, 'home').dns.delegations.some((d) => d.domain === 'cloud.lan'));
});

test('bird: client /32s and /128s are stub networks of the home router only', () => {
  const cloud = renderBirdConf(sliceRouter(config, 'cloud'));
  for (const p of ['10.1.2.1/32', '10.1.2.2/32', 'fd00:0:1:2::1/128', 'fd00:0:1:2::2/128']) assert.ok(cloud.includes(`\t\tstubnet ${p};\n`), p);
  const office = renderBirdConf(sliceRouter(config, 'office'));
  assert.ok(office.includes('\t\tstubnet 10.1.2.5/32;\n'));
  assert.ok(!office.includes('stubnet 10.1.2.2/'), 'egress does not advertise the phone');
  // A router serving clients keeps its direct route to them: bird does not install the OSPF one.
  assert.ok(office.includes('\t\texport where source = RTS_OSPF && net !~ [ 10.1.2.2/32, 10.1.2.5/32 ];\n'), office);
  assert.ok(office.includes('\t\texport where source = RTS_OSPF && net !~ [ fd00:0:1:2::2/128, fd00:0:1:2::5/128 ];\n'));
  assert.ok(renderBirdConf(sliceRouter(config, 'home')).includes('\t\texport where source = RTS_OSPF;\n'), 'unchanged without clients');
});

test('UCI: one peer section per client, routed (route_allowed_ips) without endpoint; IPv6 masquerade at egress', () => {
  const office = renderUci(sliceRouter(config, 'office'), 'k');
  const peers = office.sections.network.filter((s) => s.name.startsWith('dlan_client_'));
  assert.deepEqual(peers.map((s) => [s.name, s.type, Object.fromEntries(s.options)]), [
    ['dlan_client_2', 'wireguard_wg0', { description: 'phone', public_key: KEY.phone, allowed_ips: ['10.1.2.2/32', 'fd00:0:1:2::2/128'], route_allowed_ips: '1' }],
    ['dlan_client_5', 'wireguard_wg0', { description: 'tablet', public_key: KEY.tablet, allowed_ips: ['10.1.2.5/32', 'fd00:0:1:2::5/128'], route_allowed_ips: '1' }],
  ]);
  // Link peers keep route_allowed_ips 0 (their /32s are inside wg0's prefix).
  assert.ok(office.sections.network.filter((s) => s.name.startsWith('dlan_peer_')).every((s) => Object.fromEntries(s.options).route_allowed_ips === '0'));
  const nat = office.sections.firewall.filter((s) => s.type === 'nat');
  assert.deepEqual(nat.map((s) => Object.fromEntries(s.options).src_ip), ['fd00:0:1:2::2/128', 'fd00:0:1:2::5/128']);
  assert.ok(nat.every((s) => Object.fromEntries(s.options).target === 'MASQUERADE' && Object.fromEntries(s.options).family === 'ipv6'));
  // IPv4 leaves through the existing tunnel → wan forwarding and the wan zone's masquerade.
  assert.ok(office.sections.firewall.some((s) => s.name === 'dlan_fwd_tunnel_wan'));
  assert.equal(renderUci(sliceRouter(config, 'cloud'), 'k').sections.firewall.filter((s) => s.type === 'nat').length, 0);
});

test('nftables: clients forwarded wg0 → WAN and masqueraded (IPv6 too) at egress only; the kernel loads it', () => {
  const office = renderNftRuleset(sliceRouter(config, 'office'));
  const lines = office.split('\n').map((l) => l.trim());
  for (const want of [
    'iifname "wg0" oifname "eth0" ip saddr { 10.1.2.2, 10.1.2.5 } accept',
    'iifname "wg0" oifname "eth0" ip6 saddr { fd00:0:1:2::2, fd00:0:1:2::5 } accept',
    'oifname "eth0" ip6 saddr { fd00:0:1:2::2, fd00:0:1:2::5 } masquerade',
  ]) assert.ok(lines.includes(want), `missing ${want}\n${office}`);
  // The client rules come before the WAN drop.
  assert.ok(lines.indexOf('iifname "wg0" oifname "eth0" ip saddr { 10.1.2.2, 10.1.2.5 } accept') < lines.indexOf('oifname "eth0" drop'));
  const cloud = renderNftRuleset(sliceRouter(config, 'cloud'));
  assert.ok(!cloud.includes('iifname "wg0" oifname') && !cloud.includes('ip6 saddr fd00'), 'no client egress on cloud');

  const ns = `dlan-clientnft-${process.pid}`;
  assert.equal(spawnSync('ip', ['netns', 'add', ns]).status, 0, 'needs root and network namespaces');
  const dir = mkdtempSync(join(tmpdir(), 'dlan-clientnft-'));
  try {
    writeFileSync(join(dir, 'office.nft'), office);
    const r = spawnSync('ip', ['netns', 'exec', ns, 'nft', '-f', join(dir, 'office.nft')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** office as the kernel shows it before dlan: its two Ethernet devices, no wg0. */
function freshOffice(wgRoutes?: string[]): CurrentNetState {
  const links = [
    { ifname: 'lo', flags: ['LOOPBACK', 'UP'], mtu: 65536, link_type: 'loopback' },
    { ifname: 'eth0', flags: ['UP'], mtu: 1500, link_type: 'ether', address: '02:00:00:00:00:01', linkinfo: { info_kind: 'veth' } },
    { ifname: 'eth1', flags: ['UP'], mtu: 1500, link_type: 'ether', address: '02:00:00:00:00:02', linkinfo: { info_kind: 'veth' } },
  ];
  return { links: parseIpLinks(JSON.stringify(links), '[]'), defaultRoutes: [], wireguard: null, ...(wgRoutes ? { wgRoutes } : {}) };
}
const KEYFILE = { path: '/etc/dlan/wireguard.key', privateKey: 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=' };

test('Linux: client peers without endpoint or keepalive, and routes to wg0 (proto static, metric 1)', () => {
  const plan = planInterfaces(sliceRouter(config, 'office'), freshOffice(), emptyLedger(), KEYFILE);
  const argvs = plan.steps.flatMap((s) => s.commands).flatMap((c) => ('argv' in c ? [c.argv.join(' ')] : []));
  assert.ok(argvs.includes(`wg set wg0 peer ${KEY.phone} allowed-ips 10.1.2.2/32,fd00:0:1:2::2/128`), argvs.join('\n'));
  assert.ok(argvs.includes(`wg set wg0 peer ${KEY.tablet} allowed-ips 10.1.2.5/32,fd00:0:1:2::5/128`));
  for (const cidr of ['10.1.2.2/32', 'fd00:0:1:2::2/128', '10.1.2.5/32', 'fd00:0:1:2::5/128']) {
    assert.ok(argvs.includes(`ip ${cidr.includes(':') ? '-6' : '-4'} route replace ${cidr} dev wg0 proto static metric 1`), cidr);
  }
  // The routes come after wg0 is up.
  const up = argvs.indexOf('ip link set dev wg0 up');
  assert.ok(up >= 0 && up < argvs.findIndex((a) => a.includes('route replace')));
});

test('Linux: routes already there are kept, a departed client\'s route is removed', () => {
  const plan = planInterfaces(sliceRouter(config, 'office'), freshOffice(['10.1.2.2/32', 'fd00:0:1:2::2/128', '10.1.2.5/32', 'fd00:0:1:2::5/128', '10.1.2.9/32']), emptyLedger(), KEYFILE);
  const routeSteps = plan.steps.filter((s) => s.change.kind === 'route' && s.change.target.endsWith('dev wg0'));
  assert.deepEqual(routeSteps.map((s) => [s.change.op, s.change.target]), [['delete', 'route 10.1.2.9/32 dev wg0']]);
  assert.deepEqual(routeSteps[0]!.commands, [{ argv: ['ip', '-4', 'route', 'del', '10.1.2.9/32', 'dev', 'wg0', 'proto', 'static'] }]);
});

test('Linux: `ip -j route show dev wg0 proto static` parses into canonical CIDRs', () => {
  assert.deepEqual(parseDeviceRoutes('[{"dst":"10.1.2.2","flags":[]},{"dst":"10.9.0.0/16","flags":[]}]'), ['10.1.2.2/32', '10.9.0.0/16']);
  assert.deepEqual(parseDeviceRoutes('[{"dst":"fd00:0:1:2:0::2","metric":1}]'), ['fd00:0:1:2::2/128']);
  assert.deepEqual(parseDeviceRoutes(''), []);
});
