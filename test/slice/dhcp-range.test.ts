import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dhcpRange } from '../../agent/slice/slice-interfaces.ts';

const defaults = { start: 100, limit: 150, lease_time: '12h' };

test('defaults in a /24: .100 to .249', () => {
  const r = dhcpRange('10.2.0.0', 24, defaults, false);
  assert.deepEqual([r.start, r.limit, r.rangeStart, r.rangeEnd], [100, 150, '10.2.0.100', '10.2.0.249']);
});

test('defaults in a subnet smaller than /24: the upper half of the usable addresses', () => {
  const r25 = dhcpRange('10.2.0.128', 25, defaults, false);
  assert.deepEqual([r25.start, r25.limit, r25.rangeStart, r25.rangeEnd], [64, 63, '10.2.0.192', '10.2.0.254']);
  const r28 = dhcpRange('10.2.0.16', 28, defaults, false);
  assert.deepEqual([r28.rangeStart, r28.rangeEnd], ['10.2.0.24', '10.2.0.30']);
  const r30 = dhcpRange('10.2.0.4', 30, defaults, false);
  assert.deepEqual([r30.rangeStart, r30.rangeEnd], ['10.2.0.6', '10.2.0.6']);
});

test('a larger subnet keeps start 100 and limit 150 (in the first /24 of it)', () => {
  const r = dhcpRange('10.8.0.0', 16, defaults, true);
  assert.deepEqual([r.rangeStart, r.rangeEnd, r.ipv6], ['10.8.0.100', '10.8.0.249', true]);
});

test('a start that fits with a limit that does not is clipped at the last usable address', () => {
  const r = dhcpRange('10.2.0.0', 24, { start: 200, limit: 150, lease_time: '1h' }, false);
  assert.deepEqual([r.start, r.limit, r.rangeEnd, r.leaseTime], [200, 55, '10.2.0.254', '1h']);
});
