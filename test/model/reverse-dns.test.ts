// Reverse DNS names and zones: known examples (RFC 3596), Python's ipaddress.reverse_pointer as an
// independent oracle on random addresses, and the covering property of reverseZones: an address
// falls under exactly one zone of a prefix when it is inside it, under none when it is outside.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { prefixContains, parsePrefix } from '../../agent/base/address-arithmetic.ts';
import { reverseName, reverseZones } from '../../agent/model/reverse-dns.ts';

test('reverse names of known addresses', () => {
  assert.equal(reverseName('10.2.0.5'), '5.0.2.10.in-addr.arpa');
  assert.equal(reverseName('10.1.1.1'), '1.1.1.10.in-addr.arpa');
  // RFC 3596 section 2.5
  assert.equal(reverseName('4321:0:1:2:3:4:567:89ab'), 'b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa');
  assert.equal(reverseName('fd00:0:1:1::1'), '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.1.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa');
  assert.equal(reverseName('FD00:0:1:1:0:0:0:1'), reverseName('fd00:0:1:1::1'), 'any spelling of one address');
  assert.equal(reverseName('::ffff:10.2.0.5'), '5.0.0.0.2.0.a.0.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa');
  assert.throws(() => reverseName('10.2.0'));
});

test('reverse names agree with Python ipaddress.reverse_pointer on random addresses', () => {
  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
  const v6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((g) => g.map((x) => x.toString(16)).join(':'));
  const samples = [...fc.sample(v4, 100), ...fc.sample(v6, 100), '::', '::1', 'fd79:2de7:db86::2', '2620:fe::fe'];
  const py = spawnSync('python3', ['-c', 'import ipaddress,sys\nfor l in sys.stdin.read().split():\n print(ipaddress.ip_address(l).reverse_pointer)'], {
    input: samples.join('\n'),
    encoding: 'utf8',
  });
  assert.equal(py.status, 0, py.stderr);
  assert.deepEqual(samples.map(reverseName), py.stdout.trim().split('\n'));
});

test('reverse zones of a prefix: octet and nibble boundaries', () => {
  assert.deepEqual(reverseZones('10.2.0.0/24'), ['0.2.10.in-addr.arpa']);
  assert.deepEqual(reverseZones('10.2.0.0/23'), ['0.2.10.in-addr.arpa', '1.2.10.in-addr.arpa']);
  assert.deepEqual(reverseZones('10.2.0.0/16'), ['2.10.in-addr.arpa']);
  assert.equal(reverseZones('10.0.0.0/17').length, 128, 'the largest expansion: 2^7');
  assert.deepEqual(reverseZones('10.2.0.128/30'), ['128.0.2.10.in-addr.arpa', '129.0.2.10.in-addr.arpa', '130.0.2.10.in-addr.arpa', '131.0.2.10.in-addr.arpa']);
  assert.deepEqual(reverseZones('10.1.1.4/32'), ['4.1.1.10.in-addr.arpa']);
  assert.deepEqual(reverseZones('fd79:2de7:db86::/64'), ['0.0.0.0.6.8.b.d.7.e.d.2.9.7.d.f.ip6.arpa']);
  assert.deepEqual(reverseZones('fd00::/62'), ['0', '1', '2', '3'].map((n) => `${n}.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa`));
  assert.deepEqual(reverseZones('fd00:0:1:1::4/128'), [reverseName('fd00:0:1:1::4')]);
  assert.deepEqual(reverseZones('10.2.0.77/24'), ['0.2.10.in-addr.arpa'], 'host bits are cleared');
});

test('an address lies under exactly one zone of a prefix that contains it, under none otherwise', () => {
  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
  const v6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((g) => g.map((x) => x.toString(16)).join(':'));
  const under = (name: string, zone: string) => name === zone || name.endsWith(`.${zone}`);
  const check = (address: string, other: string, prefix: number) => {
    const cidr = `${address}/${prefix}`;
    const zones = reverseZones(cidr);
    assert.equal(zones.filter((z) => under(reverseName(address), z)).length, 1, `${address} in ${cidr}: ${zones}`);
    const inside = prefixContains(parsePrefix(cidr), other);
    assert.equal(zones.filter((z) => under(reverseName(other), z)).length, inside ? 1 : 0, `${other} vs ${cidr}`);
  };
  fc.assert(fc.property(v4, v4, fc.integer({ min: 8, max: 32 }), check), { numRuns: 300 });
  fc.assert(fc.property(v6, v6, fc.integer({ min: 16, max: 128 }), check), { numRuns: 300 });
  // Neighbours just outside a /23 and a /62 (random addresses rarely land there).
  check('10.2.0.0', '10.2.2.0', 23);
  check('10.2.0.0', '10.1.255.255', 23);
  check('fd00::', 'fd00:0:0:4::', 62);
});
