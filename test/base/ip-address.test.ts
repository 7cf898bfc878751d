// The in-house IP literal parser/formatter against two independent oracles: node's own address
// parser (net.isIP) for what is an address, and ipaddr.js (a dev dependency only, no longer in the
// bundles) for canonical RFC 5952 text — on fixed edge cases and on random addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import fc from 'fast-check';
import { formatIpValue, ipValueBytes, parseIpValue } from '../../agent/base/ip-address.ts';
import { ipv4Netmask, isNetworkOrBroadcast, isUniqueLocal, parseCidr } from '../../agent/base/address-arithmetic.ts';

function oracleCanonical(text: string): string {
  const a = ipaddr.parse(text);
  return a.kind() === 'ipv6' ? (a as ipaddr.IPv6).toRFC5952String() : a.toString();
}

test('canonical text matches ipaddr.js on edge cases', () => {
  const cases = [
    '0.0.0.0', '255.255.255.255', '10.2.0.100', '::', '::1', '1::', 'fd00:0:1:1::5',
    'FD79:2DE7:DB86:0000:0000:0000:0000:0002', '2001:db8:0:0:1:0:0:1', '2001:0:0:1:0:0:0:1',
    '0:0:1:0:0:0:0:0', '1:0:0:0:0:0:0:0', '0:0:0:0:0:0:0:1', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::',
    '::2:3:4:5:6:7:8', '::ffff:10.2.0.1', '64:ff9b::192.0.2.33', '2620:fe::fe', 'fe80:0:0:0:0:0:0:0',
  ];
  for (const text of cases) {
    const ip = parseIpValue(text);
    assert.ok(ip, `${text} parses`);
    assert.equal(formatIpValue(ip), oracleCanonical(text), text);
    assert.deepEqual(ipValueBytes(ip), ipaddr.parse(text).toByteArray(), `${text} bytes`);
  }
});

test('rejects what is not a strict address literal', () => {
  const bad = [
    '', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.04', '0x1.2.3.4', ' 1.2.3.4', '1.2.3.4 ',
    ':', ':::', '1:::2', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '::1.2.3',
    'fe80::1%eth0', '1.2.3.4:80', '[::1]', '::ffff:256.1.1.1', '1:2:3:4:5:6:7::8',
  ];
  for (const text of bad) assert.equal(parseIpValue(text), null, JSON.stringify(text));
});

test('family filter', () => {
  assert.equal(parseIpValue('10.0.0.1', 'ipv6'), null);
  assert.equal(parseIpValue('::1', 'ipv4'), null);
  assert.equal(parseIpValue('::1', 'ipv6')?.family, 'ipv6');
});

test('random IPv6 addresses: formatting agrees with ipaddr.js, parsing agrees with node', () => {
  // Groups drawn mostly zero so that runs of zeros (the `::` choice) are exercised.
  const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
  fc.assert(
    fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), fc.boolean(), (groups, upper) => {
      let full = groups.map((g) => g.toString(16)).join(':');
      if (upper) full = full.toUpperCase();
      const ip = parseIpValue(full);
      assert.ok(ip);
      const text = formatIpValue(ip);
      assert.equal(text, oracleCanonical(full));
      assert.equal(isIP(text), 6);
      assert.deepEqual(parseIpValue(text), ip, 'canonical text parses back to the same value');
    }),
    { numRuns: 2000 },
  );
});

test('random strings: accepted exactly when node\'s parser accepts them', () => {
  const alphabet = fc.constantFrom(...'0123456789abcdefABCDEF:.'.split(''));
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 24 }).map((a) => a.join('')), (text) => {
      const ours = parseIpValue(text);
      const node = isIP(text);
      // Node (like inet_pton) refuses leading zeros in IPv4, as the config format does.
      assert.equal(ours === null ? 0 : ours.family === 'ipv4' ? 4 : 6, node, JSON.stringify(text));
    }),
    { numRuns: 5000 },
  );
});

test('netmask, broadcast and ULA checks that used to come from ipaddr.js', () => {
  assert.equal(ipv4Netmask(24), '255.255.255.0');
  assert.equal(ipv4Netmask(0), '0.0.0.0');
  assert.equal(ipv4Netmask(32), '255.255.255.255');
  assert.equal(ipv4Netmask(23), '255.255.254.0');
  assert.equal(isNetworkOrBroadcast(parseCidr('10.2.0.255/24')!), true);
  assert.equal(isNetworkOrBroadcast(parseCidr('10.2.1.255/23')!), true);
  assert.equal(isNetworkOrBroadcast(parseCidr('10.2.0.255/23')!), false);
  assert.equal(isNetworkOrBroadcast(parseCidr('10.2.0.0/24')!), true);
  assert.equal(isUniqueLocal(parseCidr('fd00::/8')!), true);
  assert.equal(isUniqueLocal(parseCidr('fc00::/7')!), true);
  assert.equal(isUniqueLocal(parseCidr('fe00::/8')!), false);
  assert.equal(isUniqueLocal(parseCidr('2001:db8::/32')!), false);
});
