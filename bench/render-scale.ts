// Benchmark: how validation and one router's slice+render scale with the mesh size.
// Generates meshes of 10, 100 and 1000 routers (3 links per router on average, a ring plus
// chords), each measured in its own child process so peak RSS belongs to that size alone.
// Prints a table; ratios are against the 10-router mesh of the same run. Not a test: no timing
// is asserted anywhere. Usage: npm run bench  (or: node --import tsx bench/render-scale.ts [sizes…])
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../agent/load/load-config.ts';
import { renderBirdConf } from '../agent/render/bird/render-bird-conf.ts';
import { renderNginxStreamConf } from '../agent/render/nginx/render-nginx-stream.ts';
import { sliceRouter } from '../agent/slice/slice-router.ts';

/** A deterministic mesh of n routers: a ring, plus a chord from every other router, ≈ 1.5 links each → 3 per router. */
export function generateMesh(n: number): string {
  const key = (i: number) => {
    const b = Buffer.alloc(32, 7);
    b.writeUInt32BE(i, 0);
    return b.toString('base64');
  };
  const lines = [
    'version: 1',
    'addressing:',
    '  loopback_ipv4: 172.16.0.0/22',
    '  loopback_ipv6: fd00:0:1:1::/64',
    '  tunnel_ipv4: 172.16.4.0/22',
    '  tunnel_ipv6: fd00:0:1::/64',
    '  transit_ipv4: 100.64.0.0/10',
    '  max_routers: 1024',
    'routers:',
  ];
  for (let i = 1; i <= n; i++) {
    lines.push(`  r${i}:`, `    id: ${i}`, `    public_key: ${key(i)}`);
    if (i % 4 === 0) lines.push(`    endpoint: 198.51.100.${(i % 250) + 1}`);
    lines.push('    wan: [ { device: eth0 } ]');
    lines.push(`    lan: [ { device: eth1, ipv4: 10.${i >> 8}.${i & 255}.0/24, ipv6: "fd42:0:${i.toString(16)}::/64" } ]`);
  }
  lines.push('links:');
  const seen = new Set<string>();
  const link = (a: number, b: number) => {
    if (a === b) return;
    const k = a < b ? `${a}-${b}` : `${b}-${a}`;
    if (seen.has(k)) return;
    seen.add(k);
    // Every link names an endpoint for one side, so each has a dialable side.
    lines.push(`  - routers: [r${a}, r${b}]`, `    endpoints: { r${b}: 192.0.2.${(b % 250) + 1} }`);
  };
  for (let i = 1; i <= n; i++) {
    link(i, (i % n) + 1);
    if (i % 2 === 0) link(i, ((i + Math.floor(n / 2)) % n) + 1);
  }
  lines.push('services:', '  - { name: web, routers: [r1], listen: ["80"], upstreams: ["10.0.1.10:80"] }');
  return `${lines.join('\n')}\n`;
}

function measure(n: number) {
  const text = generateMesh(n);
  const t0 = performance.now();
  const loaded = loadConfig([{ path: 'dlan.yaml', text }]);
  const t1 = performance.now();
  if (!loaded.ok) throw new Error(`generated mesh of ${n} is invalid: ${JSON.stringify(loaded.diagnostics.slice(0, 3))}`);
  const router = `r${Math.ceil(n / 2)}`;
  const t2 = performance.now();
  const state = sliceRouter(loaded.config, router);
  const out = renderBirdConf(state).length + renderNginxStreamConf(state).length;
  const t3 = performance.now();
  return {
    routers: n,
    links: loaded.config.links.length,
    yamlBytes: text.length,
    validateMs: t1 - t0,
    sliceRenderMs: t3 - t2,
    renderedBytes: out,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

const self = fileURLToPath(import.meta.url);
if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(measure(Number(process.argv[3]))));
} else if (process.argv[1] === self) {
  const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
  const results = (sizes.length ? sizes : [10, 100, 1000]).map((n) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', String(n)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as ReturnType<typeof measure>;
  });
  const base = results[0]!;
  const rows = [['routers', 'links', 'yaml KB', 'validate ms', '×base', 'µs/link', 'slice+render ms', '×base', 'peak RSS MB']];
  for (const r of results) {
    rows.push([
      String(r.routers),
      String(r.links),
      (r.yamlBytes / 1024).toFixed(0),
      r.validateMs.toFixed(1),
      (r.validateMs / base.validateMs).toFixed(1),
      ((r.validateMs * 1000) / r.links).toFixed(0),
      r.sliceRenderMs.toFixed(2),
      (r.sliceRenderMs / base.sliceRenderMs).toFixed(1),
      r.maxRssMB.toFixed(0),
    ]);
  }
  const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) console.log(r.map((x, c) => x.padStart(w[c]!)).join('  '));
  console.log('\ntarget: 1000 routers, one router slice+render < 500 ms; growth linear in links');
}
