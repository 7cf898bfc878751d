// Builds dist/dlan-agent.qjs.js: the QuickJS bundle (`qjs dlan-agent.qjs.js COMMAND …`).
// One ES module, platform neutral (no node built-ins: any import of one fails the build), lowered
// to ES2020, which every QuickJS since 2021 parses. The engine's modules ('std'/'os' in Bellard's
// QuickJS, 'qjs:std'/'qjs:os' in quickjs-ng) stay external: agent/cli/main-qjs.ts imports them.
// After bundling, the output is checked for what QuickJS cannot run or we refuse to ship: dynamic
// code (`new Function`, `eval(`), `require(`, node built-ins, and globals QuickJS lacks (except the
// few agent/host/qjs-globals.ts provides: setTimeout, clearTimeout, queueMicrotask, structuredClone).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

export const QJS_ENGINE_MODULES = ['std', 'os', 'qjs:std', 'qjs:os'];

/** Refuses every node built-in (`fs`, `node:fs`, …) so a stray import fails here, not on a router. */
const noNodeBuiltins = {
  name: 'no-node-builtins',
  setup(b) {
    const names = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    b.onResolve({ filter: /.*/ }, (args) => {
      if (QJS_ENGINE_MODULES.includes(args.path)) return { path: args.path, external: true };
      if (names.has(args.path) || args.path.startsWith('node:')) {
        return { errors: [{ text: `node built-in "${args.path}" imported by ${args.importer}: the QuickJS bundle cannot use it` }] };
      }
      return undefined;
    });
  },
};

/**
 * Modules the router bundle replaces by stand-ins (build/qjs-stubs): the Linux backend, its
 * network-namespace wrapper (the probes' only other user), and the
 * Debian settings file (Debian routers run the node build) and the admin-side commands (seal, review, graph, client-config run on admins'
 * machines and in CI). Keeps the QuickJS bundle within its budget; the stand-ins say why.
 */
export const NODE_ONLY_MODULES = {
  'agent/backend/linux/linux-backend.ts': 'linux-backend.ts',
  'agent/backend/linux/netns-host.ts': 'netns-host.ts',
  'agent/cli/commands/seal.ts': 'seal.ts',
  'agent/cli/commands/review.ts': 'review.ts',
  'agent/cli/commands/graph.ts': 'graph.ts',
  'agent/cli/commands/client-config.ts': 'client-config.ts',
  'agent/settings/yaml-settings.ts': 'yaml-settings.ts',
};

/** The yaml package's YAML 1.1 tags (build/qjs-stubs/yaml-1.1-tags.js says why they are never used): ~8 KB. */
const YAML_11_TAGS = /schema\/yaml-1\.1\/(binary|omap|pairs|set|timestamp|schema)\.js$/;
/** The yaml package's writer (build/qjs-stubs/yaml-stringify.js says why the router never writes YAML). */
const YAML_WRITER = /stringify\/(stringify|stringifyCollection|stringifyDocument|stringifyPair|stringifyString|foldFlowLines)\.js$/;

function nodeOnlyStubs(root) {
  return {
    name: 'node-only-stubs',
    setup(b) {
      b.onResolve({ filter: /yaml-1\.1\/\w+\.js$/ }, (args) => {
        const full = join(args.resolveDir, args.path);
        return YAML_11_TAGS.test(full) && full.includes('node_modules/yaml/') ? { path: join(root, 'build', 'qjs-stubs', 'yaml-1.1-tags.js') } : undefined;
      });
      b.onResolve({ filter: /(stringify\w*|foldFlowLines)\.js$/ }, (args) => {
        const full = join(args.resolveDir, args.path);
        return YAML_WRITER.test(full) && full.includes('node_modules/yaml/') ? { path: join(root, 'build', 'qjs-stubs', 'yaml-stringify.js') } : undefined;
      });
      // The filter from the table's file names, so a module added to the table is never missed.
      const names = Object.keys(NODE_ONLY_MODULES).map((m) => m.slice(m.lastIndexOf('/') + 1, -'.ts'.length));
      b.onResolve({ filter: new RegExp(`(${names.join('|')})\\.ts$`) }, (args) => {
        const full = join(args.resolveDir, args.path);
        for (const [mod, stub] of Object.entries(NODE_ONLY_MODULES)) {
          if (full === join(root, mod)) return { path: join(root, 'build', 'qjs-stubs', stub) };
        }
        return undefined;
      });
    },
  };
}

/** Patterns that must not appear in the QuickJS bundle, with the reason. */
export const FORBIDDEN_IN_QJS_BUNDLE = [
  [/\bnew Function\s*\(/, 'new Function (code generation at run time)'],
  [/(^|[^.\w$])eval\s*\(/, 'eval( (code generation at run time)'],
  [/(^|[^.\w$])require\s*\(/, 'require( (CommonJS loading at run time)'],
  [/\bprocess\.(argv|env|exit|stdout|stderr|platform)\b/, 'process.* (a node global QuickJS lacks)'],
  [/(^|[^.\w$])Buffer\.(from|alloc|concat|isBuffer)\b/, 'Buffer (a node global QuickJS lacks)'],
  [/\bnew (TextEncoder|TextDecoder|URL|Intl\.\w+)\s*\(/, 'a web/Intl global QuickJS lacks'],
];

/** Problems found in bundle text: [] when it is fit for QuickJS. */
export function checkQjsBundleText(text) {
  const problems = [];
  for (const [re, why] of FORBIDDEN_IN_QJS_BUNDLE) {
    const m = re.exec(text);
    if (m) problems.push(`${why}: …${text.slice(Math.max(0, m.index - 60), m.index + 40).replace(/\s+/g, ' ')}…`);
  }
  return problems;
}

export async function buildQjs(root, version) {
  const outfile = join(root, 'dist', 'dlan-agent.qjs.js');
  await build({
    entryPoints: [join(root, 'agent', 'cli', 'main-qjs.ts')],
    outfile,
    bundle: true,
    platform: 'neutral',
    // 'module' before 'main', and the default ("browser"-free) export conditions: the packages'
    // ES module builds, which need no node built-ins.
    mainFields: ['module', 'main'],
    conditions: ['import', 'default'],
    format: 'esm',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    plugins: [nodeOnlyStubs(root), noNodeBuiltins],
    define: { __DLAN_VERSION__: JSON.stringify(version) },
    logLevel: 'warning',
  });
  const problems = checkQjsBundleText(readFileSync(outfile, 'utf8'));
  if (problems.length) {
    throw new Error(`build-qjs: dist/dlan-agent.qjs.js is not fit for QuickJS:\n  ${problems.join('\n  ')}`);
  }
  return outfile;
}
