// Hostile configs shared by the security test (refused, with the reason) and bench/hostile-inputs.ts
// (how long and how much memory refusing them takes). Each is validated in a child process whose
// heap is capped, so a blow-up fails instead of taking the machine down.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'test', 'security', 'support', 'validate-measured.ts');

/** The child's V8 heap cap: exponential or quadratic behaviour hits it and the child dies. */
export const HEAP_CAP_MB = 450;

export interface Measured {
  ok: boolean;
  count: number;
  messages: string[];
  ms: number;
  maxRssMb: number;
}

export function measure(files: Record<string, string | Buffer>): Measured & { wallMs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'dlan-hostile-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_CAP_MB}`, '--import', 'tsx', SCRIPT, dir], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
  const wallMs = Date.now() - t0;
  assert.equal(r.status, 0, `child failed (${r.signal ?? r.status}): ${r.stderr.slice(0, 2000)}`);
  return { ...(JSON.parse(r.stdout) as Measured), wallMs };
}

export function tenThousandRouters(): string {
  const lines = ['version: 1', 'addressing: { max_routers: 4096 }', 'routers:'];
  for (let i = 1; i <= 10_000; i++) {
    lines.push(`  r${i}:`, `    id: ${i}`, '    public_key: r/fqVyIhTD3x75i1E7GC8RJqJQBnDKpyGOTlu8L9THY=', `    endpoint: 203.0.${(i >> 8) & 255}.${i & 255}`, '    wan: [ { device: eth0 } ]');
    lines.push(`    lan: [ { device: eth1, ipv4: "10.${(i >> 8) & 255}.${i & 255}.0/24" } ]`);
  }
  lines.push('links:');
  for (let i = 1; i < 10_000; i++) lines.push(`  - [r${i}, r${i + 1}]`);
  return `${lines.join('\n')}\n`;
}

export function tenThousandRouterFiles(): Record<string, string> {
  const files: Record<string, string> = { 'dlan.yaml': 'version: 1\naddressing: { max_routers: 4096 }\n' };
  for (let i = 1; i <= 10_000; i++) files[`routers/r${i}.yaml`] = `id: ${i}\npublic_key: r/fqVyIhTD3x75i1E7GC8RJqJQBnDKpyGOTlu8L9THY=\nwan: [ { device: eth0 } ]\n`;
  return files;
}

/** [what, dlan.yaml text, the reason it must be refused with]. */
export function hostileDocuments(): [string, string, RegExp][] {
  const laughs = ['version: 1', 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 10; i++) laughs.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  const links = ['version: 1', 'routers:', '  r1: { id: 1, public_key: r/fqVyIhTD3x75i1E7GC8RJqJQBnDKpyGOTlu8L9THY=, wan: [ { device: eth0 } ] }', 'links:'];
  for (let i = 0; i < 5_000; i++) links.push('  - [r1, r1]');
  return [
    ['billion laughs (10^9 expansions)', `${laughs.join('\n')}\n`, /alias bomb/],
    ['50 000 nested flow lists', `version: 1\nx: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`, /nested too deeply|syntax error/],
    ['300 nested block mappings', `version: 1\n${Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1\n`, /nested too deeply|unknown key|syntax error/],
    ['a 1 MB domain', `version: 1\ndomain: ${'a'.repeat(1_000_000)}\nrouters: {}\n`, /too long|not a valid domain/],
    ['5 000 self-links (15 000 nodes, under the node bound)', `${links.join('\n')}\n`, /to itself/],
    ...denseDocuments(),
  ];
}

/**
 * Dense YAML (issue #12.4): few bytes per node, so the parser's tree, not the text, is what
 * grows. Each is refused by a bound while parsing; [what, text, reason].
 */
export function denseDocuments(): [string, string, RegExp][] {
  const flow = (bytes: number) => `version: 1\nx: [${'1,'.repeat(bytes / 2)}1]\n`;
  return [
    ['a 200 KB flow list', flow(200_000), /^dlan\.yaml:2: : the config repo holds more than 40000 YAML nodes/],
    ['a 7.8 MB flow list', flow(7_800_000), /^dlan\.yaml:0: : is larger than 1 MiB/],
    ['a 900 KB flow list of commas only', `version: 1\nx: [${','.repeat(900_000)}]\n`, /more than 150000 YAML tokens/],
    ['900 000 blank lines', `version: 1\n${'\n'.repeat(900_000)}`, /^dlan\.yaml:\d{6}: : .*more than 150000 YAML tokens/],
    ['200 aliases of one anchor', `version: 1\nx: &x 1\ny: [${Array(200).fill('*x').join(', ')}]\n`, /^dlan\.yaml:3: : .*more than 100 aliases/],
  ];
}
