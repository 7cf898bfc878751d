// Runtime benchmark: start-up and light commands of dlan-agent under node (dist/dlan-agent.js)
// and under QuickJS (dist/dlan-agent.qjs.js), plus bundle and package sizes. Prints a table.
//   node --import tsx bench/runtime.ts [--runs N]
//
// node: wall time of the whole process and its peak RSS (getrusage maxRSS, read at exit by a
// preloaded hook). QuickJS: there is no native `qjs` on this machine (Debian 12 has no quickjs
// package; npm has only WebAssembly builds), so the bundle runs in quickjs-emscripten (Bellard's
// QuickJS 2025-09-13, 32-bit WebAssembly, like a 32-bit MIPS router). Its wall time includes the
// std/os stand-in's round trips through node and is an upper bound for native qjs; its memory is
// the engine's own heap (JS_ComputeMemoryUsage "memory used"), not a process RSS: a native qjs
// process adds its binary and libc (~1–2 MB) to that. Targets (issue 6): QuickJS no-op ≤ 15 MB
// RSS; node ≤ 50 MB and ≤ 0.3 s.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureBundles, NODE_BUNDLE, QJS_BUNDLE, ROOT } from '../test/qjs/ensure-bundles.ts';
import { runQjsModule } from '../test/qjs/qjs-engine.ts';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;

const COMMANDS: [string, string[]][] = [
  ['start-up (--version)', ['--version']],
  ['validate reference', ['validate', 'examples/reference']],
  ['render r1 --json', ['render', 'examples/reference', '--router', 'r1', '--json']],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function benchNode(args: string[], hook: string) {
  const times: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['-r', hook, NODE_BUNDLE, ...args], { cwd: ROOT, encoding: 'utf8' });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const m = /maxrss-kb=(\d+)/.exec(r.stderr);
    if (r.status !== 0 || !m) throw new Error(`node ${args.join(' ')} failed: ${r.stderr}`);
    rss.push(Number(m[1]) * 1024);
  }
  return { ms: median(times), mem: median(rss) };
}

async function benchQjs(args: string[], source: string) {
  const times: number[] = [];
  const heap: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = await runQjsModule(source, QJS_BUNDLE, { args });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.exitCode !== 0) throw new Error(`qjs ${args.join(' ')} failed: ${r.uncaught ?? r.stderr}`);
    heap.push(r.heapBytes);
  }
  return { ms: median(times), mem: median(heap) };
}

async function main() {
  ensureBundles();
  const work = mkdtempSync(join(tmpdir(), 'dlan-bench-'));
  try {
    const hook = join(work, 'maxrss.cjs');
    writeFileSync(hook, "process.on('exit', () => process.stderr.write(`\\nmaxrss-kb=${process.resourceUsage().maxRSS}\\n`));\n");
    const source = readFileSync(QJS_BUNDLE, 'utf8');
    await runQjsModule(source, QJS_BUNDLE, { args: ['--version'] }); // load the wasm module once

    const rows: string[][] = [['command', 'node wall', 'node peak RSS', 'QuickJS (wasm) wall', 'QuickJS heap']];
    for (const [name, args] of COMMANDS) {
      const n = benchNode(args, hook);
      const q = await benchQjs(args, source);
      rows.push([name, `${n.ms.toFixed(0)} ms`, mb(n.mem), `${q.ms.toFixed(0)} ms`, mb(q.mem)]);
    }
    const width = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => c.padEnd(width[i]!)).join('  ');
    console.log(`dlan-agent runtimes (median of ${RUNS} runs; QuickJS = quickjs-emscripten 2025-09-13, see the header of bench/runtime.ts)\n`);
    console.log(line(rows[0]!));
    console.log(width.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows.slice(1)) console.log(line(r));

    console.log('\nsizes');
    const sizeRows: [string, number, number | null][] = [
      ['dist/dlan-agent.js (node)', statSync(NODE_BUNDLE).size, gzipSync(readFileSync(NODE_BUNDLE), { level: 9 }).length],
      ['dist/dlan-agent.qjs.js (QuickJS)', statSync(QJS_BUNDLE).size, gzipSync(readFileSync(QJS_BUNDLE), { level: 9 }).length],
    ];
    for (const f of readdirSync(join(ROOT, 'dist')).filter((n) => n.endsWith('.ipk'))) {
      sizeRows.push([`dist/${f}`, statSync(join(ROOT, 'dist', f)).size, null]);
    }
    for (const [name, size, gz] of sizeRows) console.log(`  ${name.padEnd(40)} ${kb(size).padStart(10)}${gz === null ? '' : `  (gzip ${kb(gz)})`}`);
    if (!sizeRows.some(([n]) => n.endsWith('.ipk'))) console.log('  (no .ipk in dist/: run npm run package)');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
