// The O(n log n) overlap search used by validation gives exactly what the pairwise scan gave:
// for each prefix the first earlier prefix that overlaps it (fast-check against the naive scan).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { firstEarlierOverlap, type Span } from '../../agent/validate/first-overlap.ts';

const naive = (s: readonly Span[]) => s.map((x, i) => {
  const j = s.findIndex((y, k) => k < i && y.family === x.family && y.lo <= x.hi && x.lo <= y.hi);
  return j < 0 ? null : j;
});

/** A CIDR-shaped span in a small space (many collisions): family, 8-bit network, prefix 0..8. */
const span = fc.record({ family: fc.constantFrom('ipv4', 'ipv6'), net: fc.integer({ min: 0, max: 255 }), prefix: fc.integer({ min: 0, max: 8 }) }).map(({ family, net, prefix }): Span => {
  const size = 1n << BigInt(8 - prefix);
  const lo = (BigInt(net) / size) * size;
  return { family, lo, hi: lo + size - 1n };
});

test('firstEarlierOverlap equals the pairwise scan', () => {
  fc.assert(fc.property(fc.array(span, { maxLength: 60 }), (spans) => assert.deepEqual(firstEarlierOverlap(spans), naive(spans))), { numRuns: 500 });
});

test('firstEarlierOverlap: 20 000 identical or nested prefixes stay fast (no quadratic blow-up)', () => {
  const spans: Span[] = Array.from({ length: 20_000 }, (_, i) => ({ family: 'ipv4', lo: BigInt(i % 7), hi: BigInt(i % 7) }));
  const r = firstEarlierOverlap(spans);
  assert.equal(r[7], 0);
  assert.equal(r[19_999], 19_999 % 7);
  assert.equal(r[3], null);
});
