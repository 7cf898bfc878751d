// Hostile configs are refused within bounded time and memory, with a precise message, in a child
// process whose heap is capped (so a blow-up fails the test instead of the machine). The bounds
// are generous on purpose: they catch quadratic or exponential behaviour, not slow machines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../validate/validate-support.ts';

const SCRIPT = join(ROOT, 'test', 'security', 'support', 'validate-measured.ts');

interface Measured {
  ok: boolean;
  count: number;
  messages: string[];
  ms: number;
  maxRssMb: number;
}

function measure(files: Record<string, string | Buffer>): Measured & { wallMs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'dlan-hostile-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--max-old-space-size=450', '--import', 'tsx', SCRIPT, dir], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
  const wallMs = Date.now() - t0;
  assert.equal(r.status, 0, `child failed (${r.signal ?? r.status}): ${r.stderr.slice(0, 2000)}`);
  return { ...(JSON.parse(r.stdout) as Measured), wallMs };
}

function tenThousandRouters(): string {
  const lines = ['version: 1', 'addressing: { max_routers: 4096 }', 'routers:'];
  for (let i = 1; i <= 10_000; i++) {
    lines.push(`  r${i}:`, `    id: ${i}`, '    public_key: r/fqVyIhTD3x75i1E7GC8RJqJQBnDKpyGOTlu8L9THY=', `    endpoint: 203.0.${(i >> 8) & 255}.${i & 255}`, '    wan: [ { device: eth0 } ]');
    lines.push(`    lan: [ { device: eth1, ipv4: "10.${(i >> 8) & 255}.${i & 255}.0/24" } ]`);
  }
  lines.push('links:');
  for (let i = 1; i < 10_000; i++) lines.push(`  - [r${i}, r${i + 1}]`);
  return `${lines.join('\n')}\n`;
}

test('10 000 routers: refused (ids beyond max_routers, pools too small) in < 10 s and < 500 MB', () => {
  const m = measure({ 'dlan.yaml': tenThousandRouters() });
  assert.equal(m.ok, false);
  assert.ok(m.count > 5000, `every bad router is reported (${m.count})`);
  assert.ok(m.messages.some((x) => /must be below `addressing\.max_routers`|does not fit|between 1 and 4095/.test(x)), m.messages.slice(0, 5).join('\n'));
  assert.ok(m.ms < 10_000, `validation took ${m.ms} ms`);
  assert.ok(m.maxRssMb < 500, `peak RSS ${m.maxRssMb} MB`);
});

test('10 000 router files in routers/ are read, merged and refused within the same bounds', () => {
  const files: Record<string, string> = { 'dlan.yaml': 'version: 1\naddressing: { max_routers: 4096 }\n' };
  for (let i = 1; i <= 10_000; i++) files[`routers/r${i}.yaml`] = `id: ${i}\npublic_key: r/fqVyIhTD3x75i1E7GC8RJqJQBnDKpyGOTlu8L9THY=\nwan: [ { device: eth0 } ]\n`;
  const m = measure(files);
  assert.equal(m.ok, false);
  assert.ok(m.messages.some((x) => x.startsWith('routers/r')), m.messages.slice(0, 5).join('\n'));
  assert.ok(m.ms < 10_000, `validation took ${m.ms} ms`);
  assert.ok(m.maxRssMb < 500, `peak RSS ${m.maxRssMb} MB`);
});

test('alias bombs, deep nesting, a 7 MB string, 100 000 links: each refused fast with its reason', () => {
  const laughs = ['version: 1', 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 10; i++) laughs.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  const links = ['version: 1', 'routers:', '  r1: { id: 1, public_key: r/fqVyIhTD3x75i1E7GC8RJqJQBnDKpyGOTlu8L9THY=, wan: [ { device: eth0 } ] }', 'links:'];
  for (let i = 0; i < 100_000; i++) links.push('  - [r1, r1]');
  const cases: [string, string, RegExp][] = [
    ['billion laughs (10^9 expansions)', `${laughs.join('\n')}\n`, /alias bomb/],
    ['50 000 nested flow lists', `version: 1\nx: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`, /nested too deeply|syntax error/],
    ['3 000 nested block mappings', `version: 1\n${Array.from({ length: 3_000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1\n`, /nested too deeply|unknown key|syntax error/],
    ['a 7 MB domain', `version: 1\ndomain: ${'a'.repeat(7_000_000)}\nrouters: {}\n`, /too long|not a valid domain/],
    ['100 000 self-links', `${links.join('\n')}\n`, /to itself/],
  ];
  for (const [what, text, why] of cases) {
    const m = measure({ 'dlan.yaml': text });
    assert.equal(m.ok, false, what);
    assert.ok(m.messages.some((x) => why.test(x)), `${what}: ${m.messages.slice(0, 5).join('\n')}`);
    assert.ok(m.ms < 10_000, `${what}: ${m.ms} ms`);
    assert.ok(m.maxRssMb < 500, `${what}: ${m.maxRssMb} MB`);
  }
});

test('a file over the size limit and a non-UTF-8 file are refused before parsing', () => {
  const big = measure({ 'dlan.yaml': `version: 1\n# ${'x'.repeat(9 * 1024 * 1024)}\n` });
  assert.ok(big.messages.some((x) => /is larger than 8 MiB/.test(x)), big.messages.join('\n'));
  const bytes = measure({ 'dlan.yaml': Buffer.from([0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x3a, 0x20, 0x31, 0x0a, 0xc3, 0x28, 0x0a]) });
  assert.ok(bytes.messages.some((x) => /not valid UTF-8/.test(x)), bytes.messages.join('\n'));
});
