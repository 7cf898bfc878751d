// Reverse DNS in the slice: which PTRs a router serves (its loopback, its leases, the static
// records inside its LANs or on its loopback, none for public addresses), its own reverse zones,
// and the delegation of every other router's zones (a /23 as two /24 zones) to that router.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../agent/load/load-config.ts';
import { sliceRouter } from '../../agent/slice/slice-router.ts';
import { renderDnsmasqFiles } from '../../agent/backend/linux/render-dnsmasq-conf.ts';

const reference = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'reference', 'dlan.yaml'), 'utf8');

function load(text: string) {
  const loaded = loadConfig([{ path: 'dlan.yaml', text }]);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.config;
}

const V6_LOOPBACK_1 = '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.1.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa';

test('reference r1 serves its loopback, its lease names and the records inside its LAN', () => {
  const dns = sliceRouter(load(reference), 'r1').dns;
  assert.deepEqual(dns.ptr, [
    { address: '10.1.1.1', name: 'r1.lan' },
    { address: 'fd00:0:1:1::1', name: 'r1.lan' },
    { address: '10.2.0.2', name: 's1.r1.lan' },
    { address: 'fd79:2de7:db86::2', name: 's1.r1.lan' },
    { address: '10.2.0.100', name: 'service1.example.com' },
    { address: 'fd79:2de7:db86::2', name: 'nas.example.com' },
  ]);
  assert.deepEqual(dns.reverseZones, ['1.1.1.10.in-addr.arpa', V6_LOOPBACK_1, '0.2.10.in-addr.arpa', '0.0.0.0.6.8.b.d.7.e.d.2.9.7.d.f.ip6.arpa']);
  // 10.2.1.100 (service1's second address) lies in r2's LAN: r2 serves it, r1 delegates.
  assert.ok(!dns.ptr!.some((p) => p.address === '10.2.1.100'));
  assert.ok(sliceRouter(load(reference), 'r2').dns.ptr!.some((p) => p.address === '10.2.1.100' && p.name === 'service1.example.com'));
});

test("every other router's zones go to its loopback, by router name; never a zone of its own", () => {
  const dns = sliceRouter(load(reference), 'r2').dns;
  const servers = [...new Set(dns.reverseDelegations!.map((d) => d.server))];
  assert.deepEqual(servers, ['10.1.1.1', '10.1.1.3', '10.1.1.4', '10.1.1.5']);
  assert.deepEqual(
    dns.reverseDelegations!.filter((d) => d.server === '10.1.1.1').map((d) => d.zone),
    ['1.1.1.10.in-addr.arpa', V6_LOOPBACK_1, '0.2.10.in-addr.arpa', '0.0.0.0.6.8.b.d.7.e.d.2.9.7.d.f.ip6.arpa'],
  );
  // Transit-only hubs: only their loopback addresses.
  assert.deepEqual(dns.reverseDelegations!.filter((d) => d.server === '10.1.1.4').map((d) => d.zone), ['4.1.1.10.in-addr.arpa', V6_LOOPBACK_1.replace(/^1/, '4')]);
  const own = new Set(dns.reverseZones);
  assert.ok(dns.reverseDelegations!.every((d) => !own.has(d.zone)));
});

test('a /23 LAN is two /24 zones; several names of one address in config order; public records get no PTR', () => {
  const text = reference
    .replace('lan: [ { device: eth1, ipv4: 10.2.1.0/24, ipv6: "fd35:6d2e:5a1b::/64" } ]', 'lan: [ { device: eth1, ipv4: 10.2.4.0/23 } ]')
    .replace(
      '    - { name: nas.example.com, address: "fd79:2de7:db86::2" }\n',
      `    - { name: nas.example.com, address: "fd79:2de7:db86::2" }
    - { name: B.example.com, address: 10.2.5.7 }
    - { name: a.example.com, address: 10.2.5.7 }
    - { name: pub.example.com, address: 203.0.113.80 }
    - { name: dns.example.com, address: 10.1.1.1 }
`,
    );
  assert.notEqual(text, reference);
  const config = load(text);
  const r1 = sliceRouter(config, 'r1').dns;
  assert.deepEqual(r1.reverseDelegations!.filter((d) => d.server === '10.1.1.2').map((d) => d.zone), [
    '2.1.1.10.in-addr.arpa',
    V6_LOOPBACK_1.replace(/^1/, '2'),
    '4.2.10.in-addr.arpa',
    '5.2.10.in-addr.arpa',
  ]);
  assert.ok(r1.ptr!.some((p) => p.address === '10.1.1.1' && p.name === 'dns.example.com'), 'a record on the loopback is the router\'s');
  const r2 = sliceRouter(config, 'r2').dns;
  assert.deepEqual(r2.ptr!.filter((p) => p.address === '10.2.5.7').map((p) => p.name), ['b.example.com', 'a.example.com']);
  assert.deepEqual(r2.reverseZones!.slice(2), ['4.2.10.in-addr.arpa', '5.2.10.in-addr.arpa']);
  for (const router of config.routers) {
    assert.ok(!sliceRouter(config, router.name).dns.ptr!.some((p) => p.address === '203.0.113.80'), `${router.name} serves no PTR for a public address`);
  }
});

test('a single router has its own zones and no delegation', () => {
  const text = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'single-router', 'dlan.yaml'), 'utf8');
  const config = load(text);
  const dns = sliceRouter(config, config.routers[0]!.name).dns;
  assert.deepEqual(dns.reverseDelegations, []);
  assert.ok(dns.reverseZones!.length >= 2);
  assert.deepEqual(dns.ptr!.slice(0, 2).map((p) => p.name), [dns.localDomain, dns.localDomain]);
});

test('roaming clients: the home router serves their PTRs and zones, the others delegate them there; hosts lines once', () => {
  const config = load(readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'roaming-client', 'dlan.yaml'), 'utf8'));
  const cloud = sliceRouter(config, 'cloud');
  assert.deepEqual(cloud.dns.ptr!.filter((p) => p.name.startsWith('laptop.')), [
    { address: '10.1.2.1', name: 'laptop.cloud.lan' },
    { address: 'fd00:0:1:2::1', name: 'laptop.cloud.lan' },
  ]);
  assert.ok(cloud.dns.reverseZones!.includes('1.2.1.10.in-addr.arpa'));
  const home = sliceRouter(config, 'home').dns;
  assert.deepEqual(home.reverseDelegations!.find((d) => d.zone === '1.2.1.10.in-addr.arpa'), { zone: '1.2.1.10.in-addr.arpa', server: cloud.loopback.ipv4 });
  assert.ok(!home.ptr!.some((p) => p.name.startsWith('laptop.')));
  // The client names are also forward records of the home router: the hosts file has each line once.
  const lines = renderDnsmasqFiles(cloud, { hosts: '/h', dhcpHosts: '/d', leases: '/l' }).hosts.split('\n').filter((l) => l && !l.startsWith('#'));
  assert.ok(lines.includes('10.1.2.1 laptop.cloud.lan'));
  assert.deepEqual(lines, [...new Set(lines)]);
});
