// How long refusing hostile configs takes and how much memory it needs, with valid configs as
// the baseline. Printed tables, not a test.
// Run: node --import tsx bench/hostile-inputs.ts [--dense-only] [--no-qjs]
//
// 1. Every hostile config of the security test, loaded as the test loads it (tsx child process,
//    heap capped), with that process's peak RSS.
// 2. Dense YAML (issue #12.4) and the largest accepted mesh, each config in fresh processes:
//    - node: `node dist/dlan-agent.js validate DIR`, peak RSS = getrusage maxRSS of that
//      process (read at exit by a preloaded hook; node alone starts at ~40 MB), twice: as the
//      launchers start it (the flags of build/node-flags.mjs) and with node's defaults.
//    - QuickJS: the same command in quickjs-emscripten (bench/support/qjs-validate-peak.ts):
//      the WebAssembly memory's high-water mark, with the engine limited to 64 MB.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { table } from '../lab/bench-support.ts';
import { ensureBundles, NODE_BUNDLE, ROOT } from '../test/qjs/ensure-bundles.ts';
import { denseDocuments, HEAP_CAP_MB, hostileDocuments, measure, tenThousandRouterFiles, tenThousandRouters } from '../test/security/support/hostile-configs.ts';
import { generateMesh } from './render-scale.ts';
import { NODE_FLAGS } from '../build/node-flags.mjs';
import { MAX_YAML_NODES } from '../agent/config/yaml-bounds.ts';

const reference = readFileSync(join(ROOT, 'examples', 'reference', 'dlan.yaml'), 'utf8');
const cases: [string, Record<string, string>][] = [
  ['baseline: the reference example (valid)', { 'dlan.yaml': reference }],
  ['10 000 routers in dlan.yaml', { 'dlan.yaml': tenThousandRouters() }],
  ['10 000 files in routers/', tenThousandRouterFiles()],
  ...hostileDocuments().map(([what, text]): [string, Record<string, string>] => [what, { 'dlan.yaml': text }]),
];
if (!process.argv.includes('--dense-only')) {
  const rows = cases.map(([what, files]) => {
    const m = measure(files);
    return [what, m.ok ? 'accepted' : `refused (${m.count})`, Math.round(m.ms), m.wallMs, m.maxRssMb.toFixed(0)];
  });
  console.log(`\nValidating hostile configs (tsx child, heap capped at ${HEAP_CAP_MB} MB)\n`);
  console.log(table(['config', 'outcome', 'load+validate ms', 'process wall ms', 'peak RSS MB'], rows));
}

/** Under every bound, so parsed in full and refused by the schema: the heaviest a load gets. */
const underBounds = (): [string, Record<string, string>][] => [
  // Just under the node bound: parsed and composed in full, refused only by the schema.
  [`a ${MAX_YAML_NODES - 5}-item flow list (under the node bound)`, { 'dlan.yaml': `version: 1\nx: [${'1,'.repeat(MAX_YAML_NODES - 6)}1]\n` }],
  [`a ${MAX_YAML_NODES / 2 - 5}-key mapping (under the node bound)`, { 'dlan.yaml': `version: 1\nx:\n${Array.from({ length: MAX_YAML_NODES / 2 - 5 }, (_, i) => `  k${i}: 1\n`).join('')}` }],
];
const dense: [string, Record<string, string>][] = [
  ['baseline: the reference example (valid)', { 'dlan.yaml': reference }],
  ['256 routers, 384 links (valid, 72 KB; the default max_routers)', { 'dlan.yaml': generateMesh(256) }],
  ['1000 routers, 1500 links (valid, 280 KB)', { 'dlan.yaml': generateMesh(1000) }],
  ...denseDocuments().map(([what, text]): [string, Record<string, string>] => [what, { 'dlan.yaml': text }]),
  ['50 000 nested flow lists', { 'dlan.yaml': `version: 1\nx: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n` }],
  ['billion laughs', { 'dlan.yaml': hostileDocuments()[0]![1] }],
  ['10 000 files in routers/', tenThousandRouterFiles()],
  ...underBounds(),
];

ensureBundles();
const work = mkdtempSync(join(tmpdir(), 'dlan-dense-'));
const hook = join(work, 'maxrss.cjs');
writeFileSync(hook, "process.on('exit', () => process.stderr.write(`\\nmaxrss-kb=${process.resourceUsage().maxRSS}\\n`));\n");
const withQjs = !process.argv.includes('--no-qjs');
const denseRows: (string | number)[][] = [];
try {
  dense.forEach(([what, files], i) => {
    const dir = join(work, `c${i}`);
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(join(dir, p, '..'), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    const runNode = (flags: readonly string[]) => {
      const t0 = Date.now();
      const r = spawnSync(process.execPath, [...flags, '-r', hook, NODE_BUNDLE, 'validate', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      return { r, ms: Date.now() - t0, rss: Number(/maxrss-kb=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024 };
    };
    const { r: n, ms: nodeMs, rss } = runNode(NODE_FLAGS);
    const plain = runNode([]);
    const reason = n.status === 0 ? 'accepted' : reasonOf(`${n.stdout}${n.stderr}`);
    let q = { exit: '-', said: '', limitHit: false, wasmPeakMb: NaN, ms: NaN } as { exit: unknown; said?: string; limitHit: boolean; wasmPeakMb: number; ms: number };
    if (withQjs) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'support', 'qjs-validate-peak.ts'), dir], { encoding: 'utf8', cwd: ROOT });
      q = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
    }
    const kb = Object.values(files).reduce((s, t) => s + t.length, 0) / 1024;
    denseRows.push([what, kb.toFixed(0), reason, nodeMs, rss.toFixed(0), plain.rss.toFixed(0), withQjs ? `${q.exit === 0 ? 'accepted' : q.exit === 1 ? reasonOf(q.said ?? '') : String(q.exit)}${q.limitHit ? ' (64 MB limit hit)' : ''}` : '-', Number.isNaN(q.ms) ? '-' : q.ms, Number.isNaN(q.wasmPeakMb) ? '-' : q.wasmPeakMb.toFixed(0)]);
    console.error(`bench: ${what} done`);
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log('\nDense YAML and the largest accepted mesh: `validate DIR` under node (dist bundle) and QuickJS (wasm, engine limited to 64 MB)\n');
console.log(table(['config', 'KB', 'outcome (node)', 'node ms', 'node peak RSS MB', 'node without flags MB', 'outcome (QuickJS)', 'QuickJS ms', 'QuickJS peak MB'], denseRows));
console.log(`\nnode peak RSS: getrusage maxRSS of the process started as the launchers start it (${NODE_FLAGS.join(' ')}; node alone: ~40 MB), and with node's defaults. QuickJS peak: WebAssembly memory high-water (starts at 16 MB, grows in ~20 % steps).`);

/** The bound or first reason a refusal names, shortened for the table. */
function reasonOf(out: string): string {
  const first = out.split('\n').find((l) => /: /.test(l)) ?? out;
  const bound = /more than \d+ [\w ]+?(?= \(|;|:)|larger than \d+ MiB( in all)?|nested too deeply|alias bomb|too many alias expansions/.exec(first);
  return `refused: ${bound ? bound[0] : first.replace(/^[^ ]+ /, '').slice(0, 40)}`;
}
