import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressAt, hasNthUsable, nthUsable, parsePrefix, prefixContains, prefixesOverlap } from '../../agent/base/address-arithmetic.ts';
import { pairId, transitFits, transitSubnet } from '../../agent/model/link-numbering.ts';

test('N-th usable address of IPv4 and IPv6 pools', () => {
  const v4 = parsePrefix('10.1.1.0/24');
  assert.equal(nthUsable(v4, 1), '10.1.1.1');
  assert.equal(nthUsable(v4, 254), '10.1.1.254');
  assert.equal(hasNthUsable(v4, 255), false, 'the broadcast address is not usable');
  assert.equal(hasNthUsable(v4, 0), false);
  const v6 = parsePrefix('fd00:0:1:1::/64');
  assert.equal(nthUsable(v6, 5), 'fd00:0:1:1::5');
  assert.equal(nthUsable(v6, 4095), 'fd00:0:1:1::fff');
  assert.equal(hasNthUsable(parsePrefix('fd00::/120'), 255), true);
  assert.equal(hasNthUsable(parsePrefix('fd00::/120'), 256), false);
});

test('host bits are cleared and IPv6 is printed canonically', () => {
  assert.deepEqual(parsePrefix('10.2.0.77/24'), { family: 'ipv4', network: '10.2.0.0', prefix: 24, bits: 32 });
  assert.equal(parsePrefix('FD79:2DE7:DB86:0000::/64').network, 'fd79:2de7:db86::');
  assert.equal(addressAt(parsePrefix('fd79:2de7:db86::/64'), 2n), 'fd79:2de7:db86::2');
  assert.throws(() => addressAt(parsePrefix('10.0.0.0/30'), 4n), RangeError);
});

test('overlap and containment', () => {
  assert.equal(prefixesOverlap(parsePrefix('10.0.0.0/16'), parsePrefix('10.0.200.0/24')), true);
  assert.equal(prefixesOverlap(parsePrefix('10.1.0.0/24'), parsePrefix('10.1.1.0/24')), false);
  assert.equal(prefixesOverlap(parsePrefix('10.0.0.0/8'), parsePrefix('fd00::/8')), false);
  assert.equal(prefixContains(parsePrefix('10.2.0.0/24'), '10.2.0.255'), true);
  assert.equal(prefixContains(parsePrefix('10.2.0.0/24'), '10.2.1.0'), false);
});

test('pair ids and transit /30s as the original numbered them', () => {
  assert.equal(pairId(4, 1, 256), 260);
  assert.equal(pairId(1, 4, 256), 260);
  const pool = parsePrefix('10.0.0.0/16');
  assert.deepEqual(transitSubnet(pool, 260), { network: '10.0.4.16', lower: '10.0.4.17', higher: '10.0.4.18' });
  assert.equal(transitFits(pool, pairId(63, 255, 256)), true);
  assert.equal(transitFits(pool, pairId(64, 65, 256)), false, 'a lower id of 64 runs off a /16');
});
