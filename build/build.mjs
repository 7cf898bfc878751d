// Builds every artifact of dlan-agent:
//  1. the standalone ajv validator generated from schema/dlan.schema.json (no runtime compile);
//  2. dist/dlan-agent.js: the node bundle (single file, shebang, no node_modules at run time).
// Later steps (the QuickJS bundle, the OpenWrt package) add themselves here.
import { build } from 'esbuild';
import { chmodSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { NODE_FLAGS } from './node-flags.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const version = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(root, 'package.json'), 'utf8'))).version;

const gen = join(root, 'build', 'gen-validator.mjs');
if (existsSync(gen)) await (await import(gen)).generateValidator(root);

await build({
  entryPoints: [join(root, 'agent', 'cli', 'main.ts')],
  outfile: join(root, 'dist', 'dlan-agent.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  legalComments: 'none',
  banner: {
    // `env -S` splits the flags (coreutils ≥ 8.30, BSD/macOS env); OpenWrt runs the bundle
    // through its wrapper instead, which passes the same flags.
    js: `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}\nimport { createRequire as __dlanCreateRequire } from 'node:module'; const require = __dlanCreateRequire(import.meta.url);`,
  },
  define: { __DLAN_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
});
chmodSync(join(root, 'dist', 'dlan-agent.js'), 0o755);

// 3. dist/dlan-agent.qjs.js, the QuickJS bundle (build/build-qjs.mjs), then the size budgets of
//    both bundles (build/size-budget.mjs): the build fails when one is exceeded.
const { buildQjs } = await import(join(root, 'build', 'build-qjs.mjs'));
await buildQjs(root, version);

// 4. dist/uci-double.js: the uci test double as a standalone `uci` binary for tests and the lab
//    (DLAN_UCI=dist/uci-double.js); no dependencies, so it starts fast.
await build({
  entryPoints: [join(root, 'test', 'uci-double', 'uci-cli.ts')],
  outfile: join(root, 'dist', 'uci-double.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
chmodSync(join(root, 'dist', 'uci-double.js'), 0o755);

// Last: the size budgets of both bundles (build/size-budget.mjs) — the build fails when one is
// exceeded, after every artifact exists, so a budget overrun never hides another failure.
const { enforceSizeBudgets } = await import(join(root, 'build', 'size-budget.mjs'));
console.log(enforceSizeBudgets(root));
