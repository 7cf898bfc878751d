// Runtime benchmark: start-up and light commands of dlan-agent under node (dist/dlan-agent.js)
// and under QuickJS (dist/dlan-agent.qjs.js), plus bundle and package sizes. Prints a table.
//   node --import tsx bench/runtime.ts [--runs N]
//
// node: wall time of the whole process and its peak RSS (getrusage maxRSS, read at exit by a
// preloaded hook), started with build/node-flags.mjs as the launchers start it. QuickJS: there is
// no native `qjs` on this machine (Debian 12 has no quickjs package; npm has only WebAssembly
// builds), so the bundle runs in quickjs-emscripten (Bellard's QuickJS 2025-09-13, 32-bit
// WebAssembly, like a 32-bit MIPS router). Its wall time includes the std/os stand-in's round trips
// through node and is an upper bound for native qjs; its memory is the engine's own heap
// (JS_ComputeMemoryUsage "memory used"), not a process RSS: a native qjs process adds its binary
// and libc (~1–2 MB) to that. Targets (issue 6): QuickJS no-op ≤ 15 MB RSS; node ≤ 50 MB, ≤ 0.3 s.
//
// "no-op sync" (issue #14 item 5; targets QuickJS ≤ 0.1 s and ≤ 10 MB, node ≤ 0.2 s): `sync` of an
// OpenWrt router (stock tree, uci test double) already at the branch head, on a local bare repo.
// The uci double is a node script here (~40 ms a call) where a router has a small C program, so the
// programs a no-op starts are listed too (strace -f -e execve, node build): that count, not this
// machine's wall time, is what the router pays per program.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeStockRoot, seedKey, TEST_KEYS } from '../test/backend-openwrt/support/openwrt-root.ts';
import { ConfigRepo } from '../test/gitops/support/config-repo.ts';
import { ensureBundles, NODE_BUNDLE, QJS_BUNDLE, ROOT } from '../test/qjs/ensure-bundles.ts';
import { runQjsModule } from '../test/qjs/qjs-engine.ts';
import { NODE_FLAGS } from '../build/node-flags.mjs';

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

const UCI_ENV = { DLAN_UCI: `${process.execPath} ${join(ROOT, 'dist', 'uci-double.js')}`, DLAN_SYSLOG: '1' };

/** An OpenWrt root that applied its config repo's head: the next `sync` is a no-op. Returns its --root. */
function syncedRouter(): string {
  const root = makeStockRoot();
  seedKey(root, 'r1');
  const repo = new ConfigRepo();
  const yaml = `version: 1\nrouters:\n  r1:\n    id: 1\n    public_key: ${TEST_KEYS.r1!.publicKey}\n    wan: [ { device: wan } ]\n    lan:\n      - { device: br-lan, ipv4: 192.168.50.0/24 }\n`;
  repo.commit('bench', { 'dlan.yaml': yaml });
  const env = { ...process.env, ...UCI_ENV, DLAN_SYSLOG: '0' };
  for (const args of [['init', '--repo', repo.url, '--router', 'r1', '--schedule', 'none', '--confirm-timeout', '120'], ['sync']]) {
    const r = spawnSync(process.execPath, [NODE_BUNDLE, ...args, '--root', root], { cwd: ROOT, encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`${args[0]} failed: ${r.stdout}${r.stderr}`);
  }
  return root;
}

/** The programs one no-op sync starts (node build, strace). */
function programsOfNoop(root: string): string[] {
  const trace = join(root, '..', `execve-${process.pid}.log`);
  const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', trace, process.execPath, NODE_BUNDLE, 'sync', '--root', root], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...UCI_ENV } });
  if (r.error || r.status !== 0) return [`(strace unavailable: ${r.error?.message ?? r.stderr.trim()})`];
  const names = readFileSync(trace, 'utf8')
    .split('\n')
    .filter((l) => l.endsWith('= 0'))
    .map((l) => /execve\("([^"]+)", \["[^"]*"(?:, "([^"]*)")?(?:, "([^"]*)")?/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => (m[1]!.endsWith('/node') ? `node ${m[2]!.split('/').pop()}` : `${m[1]!.split('/').pop()} ${m[2] ?? ''}`).trim());
  rmSync(trace, { force: true });
  return names.slice(1); // the first is the agent itself
}

function benchNode(args: string[], hook: string, env: Record<string, string> = {}) {
  const times: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [...NODE_FLAGS, '-r', hook, NODE_BUNDLE, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const m = /maxrss-kb=(\d+)/.exec(r.stderr);
    if (r.status !== 0 || !m) throw new Error(`node ${args.join(' ')} failed: ${r.stderr}`);
    rss.push(Number(m[1]) * 1024);
  }
  return { ms: median(times), mem: median(rss) };
}

async function benchQjs(args: string[], source: string, env: Record<string, string> = {}) {
  const times: number[] = [];
  const heap: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = await runQjsModule(source, QJS_BUNDLE, { args, env: { ...(process.env as Record<string, string>), ...env } });
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
    const router = syncedRouter();
    const noop = ['sync', '--root', router];
    const n = benchNode(noop, hook, UCI_ENV);
    const q = await benchQjs(noop, source, UCI_ENV);
    rows.push(['no-op sync (OpenWrt, uci double)', `${n.ms.toFixed(0)} ms`, mb(n.mem), `${q.ms.toFixed(0)} ms`, mb(q.mem)]);
    const programs = programsOfNoop(router);
    rmSync(router, { recursive: true, force: true });
    const width = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => c.padEnd(width[i]!)).join('  ');
    console.log(`dlan-agent runtimes (median of ${RUNS} runs; QuickJS = quickjs-emscripten 2025-09-13, see the header of bench/runtime.ts)\n`);
    console.log(line(rows[0]!));
    console.log(width.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows.slice(1)) console.log(line(r));
    console.log(`\nprograms one no-op sync starts (${programs.length}): ${programs.join(', ')}`);

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
