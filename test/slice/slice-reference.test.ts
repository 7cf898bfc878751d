// Facts of the reference network (shared/reference/topology.md) that the slice must get right,
// checked one by one so a failure names the rule that broke.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../agent/config/config-types.ts';
import { loadConfig } from '../../agent/load/load-config.ts';
import { sliceRouter, UnknownRouterError } from '../../agent/slice/slice-router.ts';

const text = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'reference', 'dlan.yaml'), 'utf8');
const loaded = loadConfig([{ path: 'dlan.yaml', text }]);
if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
const config: Config = loaded.config;
const slice = (name: string) => sliceRouter(config, name);

test('addresses come from the pools by router id', () => {
  const r3 = slice('r3');
  assert.deepEqual(r3.loopback, { ipv4: '10.1.1.3', ipv6: 'fd00:0:1:1::3' });
  assert.deepEqual(r3.wireguard.addresses, { ipv4: '10.1.0.3/24', ipv6: 'fd00:0:1::3/64' });
  assert.equal(r3.ospf.routerId, '10.1.1.3');
  assert.deepEqual(r3.ospf.loopbackPrefixes, { ipv4: '10.1.1.3/32', ipv6: 'fd00:0:1:1::3/128' });
});

test('a NAT-ed router dials the hubs with keepalive; the hub does not dial back', () => {
  const r1 = slice('r1');
  assert.deepEqual(r1.links.map((l) => l.peer), ['r4', 'r5']);
  const toR4 = r1.wireguard.peers.find((p) => p.router === 'r4')!;
  assert.deepEqual(toR4.endpoint, { host: '203.0.113.4', port: 51820 });
  assert.equal(toR4.persistentKeepalive, 25);
  assert.deepEqual(toR4.allowedIps, ['10.1.0.4/32', 'fd00:0:1::4/128']);
  const r4 = slice('r4');
  const toR1 = r4.wireguard.peers.find((p) => p.router === 'r1')!;
  assert.equal(toR1.endpoint, null);
  assert.equal(toR1.persistentKeepalive, 0);
  assert.equal(r4.links.find((l) => l.peer === 'r1')!.dials, false);
});

test('both public hubs dial each other', () => {
  const r4 = slice('r4').wireguard.peers.find((p) => p.router === 'r5')!;
  const r5 = slice('r5').wireguard.peers.find((p) => p.router === 'r4')!;
  assert.deepEqual(r4.endpoint, { host: '203.0.113.5', port: 51820 });
  assert.deepEqual(r5.endpoint, { host: '203.0.113.4', port: 51820 });
});

test('r2 dials r3 on the home LAN with the cheaper cost; r3 only answers', () => {
  const r2 = slice('r2');
  const link = r2.links.find((l) => l.peer === 'r3')!;
  assert.equal(link.cost, 5);
  assert.equal(link.dials, true);
  assert.deepEqual(r2.wireguard.peers.find((p) => p.router === 'r3')!.endpoint, { host: '192.168.1.3', port: 51820 });
  const r3 = slice('r3');
  assert.equal(r3.links.find((l) => l.peer === 'r2')!.dials, false);
  assert.equal(r3.ospf.ptpInterfaces.find((p) => p.interface === 'dlan_vx2')!.cost, 5);
});

test('pair id, VNI and transit /30 agree on both ends (lower id takes the first address)', () => {
  const a = slice('r1').links.find((l) => l.peer === 'r4')!;
  const b = slice('r4').links.find((l) => l.peer === 'r1')!;
  assert.equal(a.pairId, 260);
  assert.equal(a.vni, b.vni);
  assert.deepEqual(a.transit, { address: '10.0.4.17/30', peerAddress: '10.0.4.18', network: '10.0.4.16/30', prefix: 30 });
  assert.deepEqual(b.transit, { address: '10.0.4.18/30', peerAddress: '10.0.4.17', network: '10.0.4.16/30', prefix: 30 });
  assert.equal(a.interface, 'dlan_vx4');
  assert.equal(b.interface, 'dlan_vx1');
  assert.equal(a.localTunnelIpv4, b.remoteTunnelIpv4);
  assert.equal(a.mtu, 1370);
  assert.equal(a.mtu, b.mtu);
});

test('DNS: own domain, every other router delegated to its loopback, records grouped', () => {
  const dns = slice('r1').dns;
  assert.equal(dns.localDomain, 'r1.lan');
  assert.deepEqual(dns.delegations, [
    { domain: 'r2.lan', server: '10.1.1.2' },
    { domain: 'r3.lan', server: '10.1.1.3' },
    { domain: 'r4.lan', server: '10.1.1.4' },
    { domain: 'r5.lan', server: '10.1.1.5' },
  ]);
  assert.deepEqual(dns.records, [
    { name: 'nas.example.com', addresses: ['fd79:2de7:db86::2'] },
    { name: 'service1.example.com', addresses: ['10.2.0.100', '10.2.1.100'] },
  ]);
  assert.deepEqual(dns.upstreams, ['9.9.9.9', '2620:fe::fe']);
});

test('DHCP range and static leases by MAC and DUID', () => {
  const lan = slice('r1').lan[0]!;
  assert.equal(lan.ipv4.address, '10.2.0.1');
  assert.equal(lan.ipv6!.address, 'fd79:2de7:db86::1');
  assert.equal(lan.dhcp!.rangeStart, '10.2.0.100');
  assert.equal(lan.dhcp!.rangeEnd, '10.2.0.249');
  assert.equal(lan.dhcp!.ipv6, true);
  assert.deepEqual(
    lan.leases.map((l) => [l.family, l.name, l.address]),
    [
      ['ipv4', 's1', '10.2.0.2'],
      ['ipv6', 's1', 'fd79:2de7:db86::2'],
    ],
  );
});

test('WAN openings: hubs open WireGuard, SSH and their services; a router nobody dials opens no WireGuard port', () => {
  const open = (r: string) => slice(r).firewall.wanInput.map((o) => `${o.protocol}/${o.port}/${o.family}`);
  assert.deepEqual(open('r4'), ['tcp/22/any', 'tcp/80/any', 'udp/27015/ipv4', 'udp/51820/any']);
  assert.deepEqual(open('r5'), ['tcp/22/any', 'tcp/80/any', 'udp/51820/any']);
  assert.deepEqual(open('r1'), ['tcp/22/any']);
  assert.deepEqual(open('r3'), ['tcp/22/any', 'udp/51820/any'], 'r2 dials r3 on the home LAN');
});

test('services are sliced to the routers that listen', () => {
  assert.deepEqual(slice('r4').services.map((s) => s.name), ['dns-game', 'web']);
  assert.deepEqual(slice('r5').services.map((s) => s.name), ['web']);
  assert.deepEqual(slice('r1').services, []);
  const web = slice('r5').services[0]!;
  assert.deepEqual(web.upstreams, [
    { host: 's1.r1.lan', port: 80 },
    { host: '10.2.1.10', port: 80 },
  ]);
  assert.equal(web.proxyProtocol, true);
  assert.deepEqual(web.listen.map((l) => [l.family, l.address, l.port]), [
    ['ipv4', null, 80],
    ['ipv6', null, 80],
  ]);
});

test('an unknown router is a clear error', () => {
  assert.throws(() => slice('r9'), (e: unknown) => e instanceof UnknownRouterError && /r9.*r1, r2, r3, r4, r5/.test(e.message));
});
