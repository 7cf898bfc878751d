// Hostile configs are refused with a precise message, in a child process whose heap is capped
// (test/security/support/hostile-configs.ts): exponential or quadratic behaviour exhausts the cap
// and fails the test instead of the machine. How long refusing takes, and how much memory, is a
// benchmark (bench/hostile-inputs.ts), not an assertion here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { hostileDocuments, measure, tenThousandRouterFiles, tenThousandRouters } from './support/hostile-configs.ts';

test('10 000 routers: refused (ids beyond max_routers, pools too small), every bad router reported', () => {
  const m = measure({ 'dlan.yaml': tenThousandRouters() });
  assert.equal(m.ok, false);
  assert.ok(m.count > 5000, `every bad router is reported (${m.count})`);
  assert.ok(m.messages.some((x) => /must be below `addressing\.max_routers`|does not fit|between 1 and 4095/.test(x)), m.messages.slice(0, 5).join('\n'));
});

test('10 000 router files in routers/ are read, merged and refused', () => {
  const m = measure(tenThousandRouterFiles());
  assert.equal(m.ok, false);
  assert.ok(m.messages.some((x) => x.startsWith('routers/r')), m.messages.slice(0, 5).join('\n'));
});

test('alias bombs, deep nesting, a 7 MB string, 100 000 links: each refused with its reason', () => {
  for (const [what, text, why] of hostileDocuments()) {
    const m = measure({ 'dlan.yaml': text });
    assert.equal(m.ok, false, what);
    assert.ok(m.messages.some((x) => why.test(x)), `${what}: ${m.messages.slice(0, 5).join('\n')}`);
  }
});

test('a file over the size limit and a non-UTF-8 file are refused before parsing', () => {
  const big = measure({ 'dlan.yaml': `version: 1\n# ${'x'.repeat(9 * 1024 * 1024)}\n` });
  assert.ok(big.messages.some((x) => /is larger than 8 MiB/.test(x)), big.messages.join('\n'));
  const bytes = measure({ 'dlan.yaml': Buffer.from([0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x3a, 0x20, 0x31, 0x0a, 0xc3, 0x28, 0x0a]) });
  assert.ok(bytes.messages.some((x) => /not valid UTF-8/.test(x)), bytes.messages.join('\n'));
});
