// The semantic rules run even when the schema already found errors (so one run reports every
// problem): whatever value sits anywhere in the document, loading must end in diagnostics with
// positions, never in an exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { BASE, load } from './validate-support.ts';

const base = parse(BASE) as Record<string, unknown>;
const PATHS: (string | number)[][] = [
  [], ['version'], ['domain'], ['addressing'], ['addressing', 'max_routers'], ['addressing', 'transit_ipv4'], ['wireguard'], ['wireguard', 'port'],
  ['ospf', 'hello'], ['dns'], ['dns', 'upstream'], ['admin', 'ssh_keys'], ['routers'], ['routers', 'r1'], ['routers', 'r1', 'id'],
  ['routers', 'r1', 'lan'], ['routers', 'r1', 'lan', 0], ['routers', 'r1', 'lan', 0, 'ipv4'], ['routers', 'r1', 'lan', 0, 'dhcp'],
  ['routers', 'r1', 'lan', 0, 'leases'], ['routers', 'r1', 'lan', 0, 'leases', 0], ['routers', 'r1', 'wan'], ['routers', 'r1', 'wan', 0],
  ['routers', 'r2', 'endpoint'], ['links'], ['links', 0], ['links', 0, 0], ['links', 1], ['services'], ['services', 0],
  ['services', 0, 'listen'], ['services', 0, 'routers'], ['monitoring'],
];

function setAt(doc: Record<string, unknown>, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  let cur = doc as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) {
    if (cur[seg] === null || typeof cur[seg] !== 'object') cur[seg] = typeof seg === 'number' ? [] : {};
    cur = cur[seg] as Record<string | number, unknown>;
  }
  cur[path[path.length - 1]!] = value;
  return doc;
}

test('robustness: any value at any place gives diagnostics, never an exception', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...PATHS), fc.jsonValue({ maxDepth: 3 }), async (path, value) => {
      const doc = setAt(structuredClone(base), path, value);
      const r = await load(stringify(doc));
      if (!r.ok) {
        assert.ok(r.diagnostics.length > 0);
        for (const d of r.diagnostics) assert.ok(d.line >= 1 && d.column >= 1 && d.message.length > 0, JSON.stringify(d));
      }
    }),
    { numRuns: 400 },
  );
});
