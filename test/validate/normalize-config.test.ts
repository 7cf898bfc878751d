// The Config handed to every later stage: every default applied, routers sorted by name, link
// ends ordered by id, endpoints parsed, DHCP ranges clipped to the subnet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE, KEY, ROOT, edit, load, describe } from './validate-support.ts';
import { DEFAULTS } from '../../agent/config/config-types.ts';

async function config(text: string) {
  const r = await load(text);
  assert.ok(r.ok, r.ok ? '' : describe(r.diagnostics));
  return r.config;
}

test('defaults: every omitted key gets its default', async () => {
  const c = await config(BASE);
  assert.equal(c.domain, 'lan');
  assert.deepEqual(c.addressing, DEFAULTS.addressing);
  assert.deepEqual(c.wireguard, { port: 51820, keepalive: 25, mtu: 1420 });
  assert.deepEqual(c.vxlan, { port: 4789, mtu: 1370 });
  assert.deepEqual(c.ospf, { cost: 10, hello: 1, dead: 4, bfd: true, bfd_interval: 80, bfd_multiplier: 5 });
  assert.deepEqual(c.dns, { upstream: [], records: [] });
  assert.deepEqual(c.admin, { ssh_keys: null, ssh_from_wan: false });
  assert.deepEqual(c.services, []);
  assert.deepEqual(c.monitoring, { nginx_status_port: null });
  assert.deepEqual(c.routers[0]!.lan[0], {
    device: 'eth1', ipv4: '10.2.0.0/24', ipv6: 'fd79:2de7:db86::/64', mac: null,
    dhcp: { start: 100, limit: 150, lease_time: '12h' }, leases: [],
  });
  assert.equal(c.routers[0]!.endpoint, null);
  assert.deepEqual(c.routers[1]!.endpoint, { host: '203.0.113.2', port: 51820 });
  assert.deepEqual(c.links, [{ routers: ['r1', 'r2'], cost: 10, endpoints: {}, mtu: 1370, bfd: true }]);
});

test('defaults: a partial section keeps the other defaults; link options default to the mesh settings', async () => {
  const c = await config(edit(BASE, ['links:\n  - [r1, r2]\n', 'wireguard: { port: 51821 }\nvxlan: { mtu: 1300 }\nospf: { cost: 20, bfd: false }\nlinks:\n  - routers: [r2, r1]\n    endpoints: { r2: "[2001:db8::2]" }\n']));
  assert.deepEqual(c.wireguard, { port: 51821, keepalive: 25, mtu: 1420 });
  assert.deepEqual(c.links, [{ routers: ['r1', 'r2'], cost: 20, endpoints: { r2: { host: '2001:db8::2', port: 51821 } }, mtu: 1300, bfd: false }]);
  assert.deepEqual(c.routers[1]!.endpoint, { host: '203.0.113.2', port: 51821 });
});

test('BFD: on by default (format v1 said off); `ospf.bfd: false` turns it off mesh-wide, a link `bfd` wins, timers apply', async () => {
  const R3 = `  r3: { id: 3, public_key: ${KEY.r3}, endpoint: 203.0.113.3, wan: [ { device: eth0 } ] }\n`;
  const links = 'links:\n  - [r1, r2]\n  - { routers: [r1, r3], bfd: true }\n  - { routers: [r2, r3], bfd: false }\n';
  const on = await config(edit(BASE, ['links:\n  - [r1, r2]\n', `${R3}${links}`]));
  assert.deepEqual(on.links.map((l) => [l.routers.join('-'), l.bfd]), [['r1-r2', true], ['r1-r3', true], ['r2-r3', false]]);
  const off = await config(edit(BASE, ['links:\n  - [r1, r2]\n', `${R3}ospf: { bfd: false, bfd_interval: 300, bfd_multiplier: 3 }\n${links}`]));
  assert.deepEqual(off.links.map((l) => [l.routers.join('-'), l.bfd]), [['r1-r2', false], ['r1-r3', true], ['r2-r3', false]]);
  assert.deepEqual(off.ospf, { cost: 10, hello: 1, dead: 4, bfd: false, bfd_interval: 300, bfd_multiplier: 3 });
});

test('normalise: routers sorted by name, link ends by id (lower first), list order kept', async () => {
  const text = `version: 1
routers:
  zeta:  { id: 1, public_key: ${KEY.r1}, endpoint: "z.example.net:6000", wan: [ { device: eth0 } ] }
  alpha: { id: 9, public_key: ${KEY.r2}, wan: [ { device: eth0 } ] }
  mid:   { id: 5, public_key: ${KEY.r3}, wan: [ { device: eth0 } ] }
links:
  - [alpha, zeta]
  - { routers: [zeta, mid], cost: 7, mtu: 1300, bfd: true }
`;
  const c = await config(text);
  assert.deepEqual(c.routers.map((r) => r.name), ['alpha', 'mid', 'zeta']);
  assert.deepEqual(c.links.map((l) => l.routers), [['zeta', 'alpha'], ['zeta', 'mid']]);
  assert.deepEqual(c.links[1], { routers: ['zeta', 'mid'], cost: 7, endpoints: {}, mtu: 1300, bfd: true });
  assert.deepEqual(c.routers[2]!.endpoint, { host: 'z.example.net', port: 6000 });
});

test('normalise: DHCP defaults are clipped to small subnets; dhcp: false is null', async () => {
  const text = edit(BASE, ['        ipv6: "fd79:2de7:db86::/64"\n', `        ipv6: "fd79:2de7:db86::/64"
      - { device: eth2, ipv4: 10.3.0.0/25 }
      - { device: eth3, ipv4: 10.3.1.0/30 }
      - { device: eth4, ipv4: 10.3.2.0/24, dhcp: { start: 200, lease_time: 1h } }
      - { device: eth5, ipv4: 10.4.0.0/16, dhcp: { limit: 1000 } }
      - { device: eth6, ipv4: 10.3.3.0/24, dhcp: false }
`]);
  const c = await config(text);
  assert.deepEqual(c.routers[0]!.lan.map((l) => l.dhcp), [
    { start: 100, limit: 150, lease_time: '12h' },
    { start: 64, limit: 63, lease_time: '12h' },
    { start: 2, limit: 1, lease_time: '12h' },
    { start: 200, limit: 55, lease_time: '1h' },
    { start: 100, limit: 1000, lease_time: '12h' },
    null,
  ]);
});

test('normalise: MAC addresses and DUIDs are lower case; admin keys kept', async () => {
  const text = edit(BASE, ['        ipv6: "fd79:2de7:db86::/64"\n', '        ipv6: "fd79:2de7:db86::/64"\n        mac: "02:AB:00:00:00:01"\n        leases:\n          - { mac: "52:54:00:5A:BF:0B", host: 2, name: s1 }\n          - { duid: "00010001265C6A195254005ABF0B", host: 2, name: s1 }\n'], ['links:', 'admin: { ssh_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBkGqkp0bnGkSGrWhHPZ8JzT0pP8gJvv7JdQ9lJdQ7Jd me"], ssh_from_wan: true }\nlinks:']);
  const c = await config(text);
  const lan = c.routers[0]!.lan[0]!;
  assert.equal(lan.mac, '02:ab:00:00:00:01');
  assert.deepEqual(lan.leases, [{ mac: '52:54:00:5a:bf:0b', host: 2, name: 's1' }, { duid: '00010001265c6a195254005abf0b', host: 2, name: 's1' }]);
  assert.equal(c.admin.ssh_keys?.length, 1);
  assert.equal(c.admin.ssh_from_wan, true);
});

test('examples: the reference network normalises to the format document', async () => {
  const c = await config(readFileSync(join(ROOT, 'examples', 'reference', 'dlan.yaml'), 'utf8'));
  assert.deepEqual(c.routers.map((r) => [r.name, r.id, r.endpoint?.host ?? null]), [
    ['r1', 1, null], ['r2', 2, null], ['r3', 3, null], ['r4', 4, '203.0.113.4'], ['r5', 5, '203.0.113.5'],
  ]);
  assert.equal(c.links.length, 8);
  const local = c.links.find((l) => l.routers.join() === 'r2,r3');
  assert.deepEqual(local, { routers: ['r2', 'r3'], cost: 5, endpoints: { r3: { host: '192.168.1.3', port: 51820 } }, mtu: 1370, bfd: false });
  assert.deepEqual(c.services.map((s) => [s.name, s.protocol, s.proxy_protocol]), [['web', 'tcp', true], ['dns-game', 'udp', false]]);
  assert.equal(c.monitoring.nginx_status_port, 1337);
  assert.deepEqual(c.dns.upstream, ['9.9.9.9', '2620:fe::fe']);
});
