// dist/dlan-agent.qjs.js inside a real QuickJS engine (Bellard's 2025-09-13, as OpenWrt 25.12
// ships) must print byte for byte what dist/dlan-agent.js prints under node, with the same exit
// code: `validate` (text and --json) and `render --json` / summary for every router of every
// example and of every config repo under test/ (golden and corpus cases, when they exist), and
// the files `render --out` writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createNodeHost, createNodeLog } from '../../agent/host/node-host.ts';
import { loadConfigAt } from '../../agent/load/load-config-at.ts';
import { ensureBundles, NODE_BUNDLE, QJS_BUNDLE, ROOT } from './ensure-bundles.ts';
import { runQjsModule } from './qjs-engine.ts';

ensureBundles();
const qjsSource = readFileSync(QJS_BUNDLE, 'utf8');

/** Config repos: examples/*, and every folder under test/ holding a dlan.yaml. */
function configRepos(): string[] {
  const found: string[] = readdirSync(join(ROOT, 'examples'))
    .map((d) => join(ROOT, 'examples', d))
    .filter((d) => existsSync(join(d, 'dlan.yaml')));
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (name === 'node_modules' || !statSync(p).isDirectory()) continue;
      if (existsSync(join(p, 'dlan.yaml'))) found.push(p);
      walk(p);
    }
  };
  walk(join(ROOT, 'test'));
  return found.map((p) => relative(ROOT, p)).sort();
}

function runNode(args: string[]) {
  const r = spawnSync(process.execPath, [NODE_BUNDLE, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DLAN_LOG_LEVEL: 'info' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function runQjs(args: string[]) {
  const r = await runQjsModule(qjsSource, QJS_BUNDLE, { args, env: { ...(process.env as Record<string, string>), DLAN_LOG_LEVEL: 'info' } });
  assert.equal(r.uncaught, undefined, `uncaught in QuickJS: ${r.uncaught}`);
  return { code: r.exitCode ?? null, stdout: r.stdout, stderr: r.stderr };
}

async function assertSame(args: string[]) {
  // The engine runs with the test's cwd; relative paths must mean the same for both.
  assert.equal(process.cwd(), ROOT, 'run the tests from the project root');
  const n = runNode(args);
  const q = await runQjs(args);
  assert.deepEqual(q, n, `dlan-agent ${args.join(' ')}: QuickJS and node differ`);
  return n;
}

const repos = configRepos();

test('there are config repos to compare', () => {
  assert.ok(repos.includes('examples/reference'), repos.join(', '));
});

test('--version, --help and a usage error are identical', async () => {
  assert.equal((await assertSame(['--version'])).code, 0);
  assert.equal((await assertSame(['--help'])).code, 0);
  assert.equal((await assertSame(['render', '--json'])).code, 64);
  assert.equal((await assertSame(['no-such-command'])).code, 64);
});

test('a missing config path fails the same way', async () => {
  const r = await assertSame(['validate', 'examples/no-such-example']);
  assert.equal(r.code, 1);
});

for (const repo of repos) {
  test(`${repo}: validate and render of every router are byte-identical under QuickJS`, async () => {
    const v = await assertSame(['validate', repo]);
    await assertSame(['validate', repo, '--json']);
    const loaded = await loadConfigAt(createNodeHost({ log: createNodeLog({ minLevel: 'error' }) }), repo);
    if (!loaded.ok) {
      assert.equal(v.code, 1);
      return;
    }
    assert.equal(v.code, 0, v.stdout);
    for (const router of loaded.config.routers) {
      const r = await assertSame(['render', repo, '--router', router.name, '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).router, router.name);
      await assertSame(['render', '--config', repo, '--router', router.name]);
    }
    await assertSame(['render', repo, '--router', 'no-such-router', '--json']);
  });
}

test('invalid configs: the same diagnostics, positions and exit code', async () => {
  const base = mkdtempSync(join(tmpdir(), 'dlan-qjs-invalid-'));
  try {
    const good = readFileSync(join(ROOT, 'examples', 'two-routers', 'dlan.yaml'), 'utf8');
    const cases: Record<string, string> = {
      'duplicate-id.yaml': good.replace('id: 2', 'id: 1'),
      'bad-lan.yaml': good.replace('ipv4: 10.10.0.0/24', 'ipv4: 10.10.0.300/24'),
      'unknown-key.yaml': good.replace('domain: home.arpa', 'domain: home.arpa\ncolour: blue'),
      'unknown-link-end.yaml': good.replace('- [home, cloud]', '- [home, moon]'),
      'not-yaml.yaml': 'routers: [\n  - {',
      'unicode-name.yaml': good.replace('name: nas-web', 'name: "näs web ✓"'),
    };
    for (const [name, text] of Object.entries(cases)) {
      const { writeFileSync } = await import('node:fs');
      const file = join(base, name);
      writeFileSync(file, text);
      const t = await assertSame(['validate', file]);
      assert.equal(t.code, 1, `${name} should be invalid:\n${t.stdout}${t.stderr}`);
      await assertSame(['validate', file, '--json']);
      await assertSame(['render', file, '--router', 'home', '--json']);
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('render --out writes the same files under QuickJS (the host write path)', async () => {
  const base = mkdtempSync(join(tmpdir(), 'dlan-qjs-out-'));
  try {
    const router = 'r1';
    const nodeOut = join(base, 'node');
    const qjsOut = join(base, 'qjs');
    const n = runNode(['render', 'examples/reference', '--router', router, '--out', nodeOut]);
    const q = await runQjs(['render', 'examples/reference', '--router', router, '--out', qjsOut]);
    assert.deepEqual(q, n);
    const names = readdirSync(nodeOut).sort();
    assert.ok(names.includes('bird.conf') && names.includes('desired-state.json'), names.join(', '));
    assert.deepEqual(readdirSync(qjsOut).sort(), names);
    for (const name of names) {
      assert.equal(readFileSync(join(qjsOut, name), 'utf8'), readFileSync(join(nodeOut, name), 'utf8'), name);
      assert.equal(statSync(join(qjsOut, name)).mode & 0o777, statSync(join(nodeOut, name)).mode & 0o777, `${name} mode`);
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('the bundle finds quickjs-ng module names (qjs:std, qjs:os) when std/os are absent', async () => {
  const r = await runQjsModule(qjsSource, QJS_BUNDLE, { args: ['--version'], moduleNames: 'quickjs-ng' });
  assert.equal(r.uncaught, undefined, r.uncaught);
  assert.equal(r.exitCode, 0);
  assert.match(r.stdout, /^dlan-agent \d+\.\d+\.\d+/);
});

test('the router bundle leaves the Linux backend and the admin commands to the node build, and says so', async () => {
  for (const cmd of ['graph', 'review', 'seal']) {
    const q = await runQjs([cmd, 'examples/reference']);
    assert.equal(q.code, 1, cmd);
    assert.match(q.stderr, new RegExp(`dlan-agent ${cmd}: not in the QuickJS build \\(routers\\); run it with the node build`));
  }
  assert.equal(runNode(['graph', 'examples/reference']).code, 0, 'graph works under node');
  const root = mkdtempSync(join(tmpdir(), 'dlan-qjs-linux-'));
  try {
    const q = await runQjs(['plan', '--config', 'examples/reference', '--router', 'r4', '--root', root, '--backend', 'linux']);
    assert.equal(q.code, 1);
    assert.match(q.stderr, /the QuickJS build carries only the OpenWrt backend/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
