// The pure core (agent/core.ts) bundles for platform "neutral" without any node built-in, needs no
// dynamic code, and, evaluated inside a real QuickJS engine with no std/os at all, computes the
// same desired state as node. Also: the QuickJS build's own checks catch what they promise to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { getQuickJS } from 'quickjs-emscripten';
// @ts-expect-error: plain ESM build script without type declarations
import { checkQjsBundleText } from '../../build/build-qjs.mjs';
// @ts-expect-error: plain ESM build script without type declarations
import { checkSizeBudgets, enforceSizeBudgets } from '../../build/size-budget.mjs';
import { loadConfig, sliceRouter } from '../../agent/core.ts';
import { readConfigFiles } from '../../agent/config/read-config-files.ts';
import { createNodeHost, createNodeLog } from '../../agent/host/node-host.ts';
import { ensureBundles, QJS_BUNDLE, ROOT } from './ensure-bundles.ts';

/** Records every import that resolves to a node built-in instead of failing on the first. */
function builtinRecorder(found: string[]): Plugin {
  const names = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  return {
    name: 'builtin-recorder',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (names.has(args.path) || args.path.startsWith('node:')) {
          found.push(`${args.path} (from ${args.importer})`);
          return { path: args.path, external: true };
        }
        return undefined;
      });
    },
  };
}

async function bundleCore(): Promise<{ text: string; builtins: string[] }> {
  const builtins: string[] = [];
  const r = await build({
    entryPoints: [join(ROOT, 'agent', 'core.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2020',
    plugins: [builtinRecorder(builtins)],
    logLevel: 'silent',
  });
  return { text: r.outputFiles[0]!.text, builtins };
}

test('agent/core.ts bundles for platform neutral and imports no node built-in', async () => {
  const { text, builtins } = await bundleCore();
  assert.deepEqual(builtins, []);
  assert.deepEqual(checkQjsBundleText(text), []);
  assert.ok(text.length > 10_000, 'the core bundle is suspiciously small');
});

test('the core, alone inside QuickJS (no std/os), gives the desired state node gives', async () => {
  const { text } = await bundleCore();
  const read = await readConfigFiles(createNodeHost({ log: createNodeLog({ minLevel: 'error' }) }), join(ROOT, 'examples', 'reference'));
  assert.ok(read.ok);
  const loaded = loadConfig(read.files);
  assert.ok(loaded.ok);
  const routers = loaded.config.routers.map((r) => r.name);
  const expected = Object.fromEntries(routers.map((name) => [name, `${JSON.stringify(sliceRouter(loaded.config, name), null, 2)}\n`]));

  const QuickJS = await getQuickJS();
  const runtime = QuickJS.newRuntime();
  runtime.setModuleLoader((name) => (name === 'dlan-core' ? text : { error: new Error(`no module ${name}`) }));
  const vm = runtime.newContext();
  try {
    vm.setProp(vm.global, '__files', vm.newString(JSON.stringify(read.files)));
    const evaluated = vm.evalCode(
      `import { loadConfig, sliceRouter } from 'dlan-core';
       const loaded = loadConfig(JSON.parse(globalThis.__files));
       globalThis.__out = JSON.stringify(loaded.ok
         ? Object.fromEntries(loaded.config.routers.map((r) => [r.name, JSON.stringify(sliceRouter(loaded.config, r.name), null, 2) + '\\n']))
         : { diagnostics: loaded.diagnostics });`,
      'core-probe.js',
      { type: 'module' },
    );
    vm.unwrapResult(evaluated).dispose();
    runtime.executePendingJobs();
    const out = vm.getProp(vm.global, '__out');
    const got = JSON.parse(vm.getString(out)) as Record<string, string>;
    out.dispose();
    assert.deepEqual(Object.keys(got), routers);
    for (const name of routers) assert.equal(got[name], expected[name], `desired state of ${name}`);
  } finally {
    vm.dispose();
    runtime.dispose();
  }
});

test('the QuickJS bundle check flags dynamic code and node globals, and passes clean code', () => {
  assert.deepEqual(checkQjsBundleText('const a = obj.eval(x); const required = 1; foo.require(1);'), []);
  for (const bad of ['new Function("return 1")', 'x = eval("1")', 'const fs = require("fs")', 'process.env.HOME', 'Buffer.from("x")', 'new TextEncoder()', 'new URL(u)', 'new Intl.Collator()']) {
    assert.equal(checkQjsBundleText(`var a=1;${bad};`).length, 1, bad);
  }
});

test('size budgets: within budget passes, over budget or missing fails the build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlan-budget-'));
  try {
    writeFileSync(join(dir, 'small.js'), 'x'.repeat(1000));
    writeFileSync(join(dir, 'big.js'), 'x'.repeat(5000));
    const budgets = [
      { file: 'small.js', maxBytes: 2000, what: 'small' },
      { file: 'big.js', maxBytes: 4000, what: 'big' },
      { file: 'gone.js', maxBytes: 4000, what: 'gone' },
    ];
    assert.deepEqual(
      checkSizeBudgets(dir, budgets).map((r: { ok: boolean }) => r.ok),
      [true, false, false],
    );
    assert.throws(() => enforceSizeBudgets(dir, budgets), /size budget exceeded[\s\S]*OVER big/);
    assert.match(enforceSizeBudgets(dir, budgets.slice(0, 1)), /ok {3}small/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the QuickJS bundle holds the schema once: dlanSchema is the root schema ajv already embeds', () => {
  ensureBundles();
  const text = readFileSync(QJS_BUNDLE, 'utf8');
  const id = JSON.parse(readFileSync(join(ROOT, 'schema', 'dlan.schema.json'), 'utf8')).$id as string;
  assert.equal(text.split(id).length - 1, 1, `the schema $id ${id} appears once in the bundle`);
  const generated = readFileSync(join(ROOT, 'agent', 'validate', 'generated', 'dlan-validator.js'), 'utf8');
  assert.match(generated, /^export const dlanSchema = schema\d+;$/m);
});
