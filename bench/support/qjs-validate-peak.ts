// Child of bench/hostile-inputs.ts: `dlan-agent validate DIR` in QuickJS (quickjs-emscripten,
// the engine test/qjs uses), alone in this process so that the numbers belong to this run:
//  - wasmPeakMb: the WebAssembly linear memory at the end. It only ever grows (by ~20 % steps,
//    from 16 MB at start), so it is the high-water mark of everything the engine allocated
//    (heap, bytecode, stack, fragmentation): what a native qjs's RSS would be minus its binary.
//  - the engine runs with JS_SetMemoryLimit(64 MB): an input needing more fails with
//    "out of memory" (limitHit), whatever the wasm memory.
// Prints one JSON line.
import { readFileSync } from 'node:fs';
import { getQuickJS } from 'quickjs-emscripten';
import { QJS_BUNDLE } from '../../test/qjs/ensure-bundles.ts';
import { runQjsModule } from '../../test/qjs/qjs-engine.ts';

const dir = process.argv[2]!;
const t0 = performance.now();
let exit: number | string | undefined;
let text = '';
try {
  const r = await runQjsModule(readFileSync(QJS_BUNDLE, 'utf8'), QJS_BUNDLE, { args: ['validate', dir], timeoutMs: 900_000, memoryLimitBytes: 64 * 1024 * 1024, noDispose: true });
  exit = r.uncaught ? 'uncaught' : r.exitCode;
  text = `${r.stdout}${r.stderr}${r.uncaught ?? ''}`;
} catch (e) {
  exit = 'host error';
  text = String(e);
}
const QuickJS = (await getQuickJS()) as unknown as { module: { HEAPU8: Uint8Array } };
process.stdout.write(`${JSON.stringify({ exit, said: text.split('\n').find((l) => /: /.test(l))?.slice(0, 120), limitHit: /out of memory/i.test(text), wasmPeakMb: QuickJS.module.HEAPU8.byteLength / 1024 / 1024, ms: Math.round(performance.now() - t0) })}\n`);
