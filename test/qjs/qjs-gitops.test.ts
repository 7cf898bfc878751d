// The GitOps commands of dist/dlan-agent.qjs.js inside a real QuickJS engine (git through the
// Host, the OpenWrt backend with the uci double, a sealed link preshared key opened without
// WebCrypto) must print what dist/dlan-agent.js prints under node and leave the same router tree:
// init → sync → status --json → sync (unchanged), on a local bare repo, in the same root path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedKey, stockDir, treeState, TEST_KEYS } from '../backend-openwrt/support/openwrt-root.ts';
import { newIdentity, newSecret, sealedReferenceConfig, sealedReferenceText, seedAgeIdentity, type TestIdentity } from '../backend-openwrt/support/sealed-config.ts';
import { ConfigRepo } from '../gitops/support/config-repo.ts';
import { ensureBundles, NODE_BUNDLE, QJS_BUNDLE, ROOT } from './ensure-bundles.ts';
import { runQjsModule } from './qjs-engine.ts';
import { cronPeriodSeconds, linuxSignalNumber, nextCronRun } from '../../agent/cli/qjs-agent-deps.ts';
import { cronExpressionFor } from '../../agent/gitops/schedule.ts';

ensureBundles();
const qjsSource = readFileSync(QJS_BUNDLE, 'utf8');
const uciDouble = join(ROOT, 'dist', 'uci-double.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Times, durations and the pid differ between two runs; everything else must not. */
function normalize(text: string): string {
  return text
    .replace(/\b\d{8}T\d{6}Z(-\d+)?\b/g, '<snapshot>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?/g, '<time>')
    .replace(/\b\d+(\.\d+)?\s?(ms|s)\b/g, '<duration>')
    .replace(/"(durationMs|pid|ageSeconds|at|ms|fetch|verify|load|slice|plan|baseline|apply|confirm|total)":\s?\d+/g, '"$1":0')
    .replace(/\b(pid|duration_ms|ms)=\d+/g, '$1=0')
    .replace(/\b\d{10,13}\b/g, '0');
}

function makeRouter(root: string, id: TestIdentity): void {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'etc', 'config'), { recursive: true });
  cpSync(join(stockDir, 'etc', 'config'), join(root, 'etc', 'config'), { recursive: true });
  writeFileSync(join(root, 'etc', 'openwrt_release'), "DISTRIB_ID='OpenWrt'\n");
  seedKey(root, 'r1');
  seedAgeIdentity(root, id);
}

const ENV = { ...(process.env as Record<string, string>), DLAN_UCI: `${process.execPath} ${uciDouble}`, DLAN_SYSLOG: '0', DLAN_LOG_LEVEL: 'info' };

function runNode(args: string[]): Run {
  const r = spawnSync(process.execPath, [NODE_BUNDLE, ...args], { cwd: ROOT, encoding: 'utf8', env: ENV });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function runQjs(args: string[]): Promise<Run> {
  const r = await runQjsModule(qjsSource, QJS_BUNDLE, { args, env: ENV, timeoutMs: 120_000 });
  assert.equal(r.uncaught, undefined, `uncaught in QuickJS: ${r.uncaught}`);
  return { code: r.exitCode ?? null, stdout: r.stdout, stderr: r.stderr };
}

/** What the router tree holds after the commands (snapshots by id and scratch excluded). */
function routerResult(root: string): Record<string, string> {
  const skip = (rel: string) => rel.startsWith('etc/dlan/snapshots') || rel.startsWith('etc/dlan/check') || rel.startsWith('tmp/') || rel.startsWith('var/');
  return Object.fromEntries([...treeState(root, skip)].map(([rel, { content, mode }]) => [rel, `${mode.toString(8)} ${normalize(content)}`]));
}

test('init, sync, status --json and an unchanged sync: QuickJS prints and writes what node does (OpenWrt, sealed PSK)', { timeout: 300_000 }, async () => {
  assert.ok(existsSync(uciDouble), `${uciDouble} is missing: run \`npm run build\` first`);
  const r1 = newIdentity();
  const psk = newSecret();
  const config = await sealedReferenceConfig(psk, r1.identity, newIdentity().identity);
  const repo = new ConfigRepo();
  const sha = repo.commit('mesh with a sealed link', { 'dlan.yaml': sealedReferenceText(config) });
  const root = join(tmpdir(), `dlan-qjs-gitops-${process.pid}`);
  const steps = [
    ['init', '--repo', repo.url, '--router', 'r1', '--schedule', 'none', '--confirm-timeout', '5', '--root', root],
    ['sync', '--root', root],
    ['status', '--json', '--root', root],
    ['sync', '--root', root],
  ];
  try {
    const results: Record<'node' | 'qjs', { runs: Run[]; tree: Record<string, string> }> = { node: { runs: [], tree: {} }, qjs: { runs: [], tree: {} } };
    for (const engine of ['node', 'qjs'] as const) {
      makeRouter(root, r1);
      for (const args of steps) {
        const r = engine === 'node' ? runNode(args) : await runQjs(args);
        results[engine].runs.push({ code: r.code, stdout: normalize(r.stdout), stderr: normalize(r.stderr) });
      }
      results[engine].tree = routerResult(root);
    }
    const [init, sync, status, again] = results.node.runs;
    assert.equal(init!.code, 0, init!.stderr);
    assert.match(init!.stdout, new RegExp(`public_key: ${TEST_KEYS.r1!.publicKey.replace(/[+/]/g, '\\$&')}\\n    age_recipient: ${r1.identity.recipient}`));
    assert.equal(sync!.code, 0, sync!.stdout + sync!.stderr);
    assert.match(sync!.stdout, /^applied/);
    // 1 = degraded: this machine has no wg0 and no bird for r1; the JSON still says in-sync.
    assert.ok(status!.code === 0 || status!.code === 1, status!.stderr);
    const st = JSON.parse(status!.stdout);
    assert.equal(st.sync.state, 'in-sync');
    assert.equal(st.sync.applied.sha, sha);
    assert.match(again!.stdout, /^unchanged/);
    const network = results.node.tree['etc/config/network']!;
    assert.ok(network.includes(`option preshared_key '${Buffer.from(psk).toString('base64')}'`), 'the sealed key reached the peer section');

    for (const [i, args] of steps.entries()) {
      assert.deepEqual(results.qjs.runs[i], results.node.runs[i], `dlan-agent ${args[0]}: QuickJS and node differ`);
    }
    assert.deepEqual(Object.keys(results.qjs.tree).sort(), Object.keys(results.node.tree).sort());
    for (const rel of Object.keys(results.node.tree)) assert.equal(results.qjs.tree[rel], results.node.tree[rel], `${rel} differs`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the QuickJS daemon runtime: every interval cronExpressionFor makes has its period; next runs are clock-aligned', () => {
  for (const interval of [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 86400]) {
    assert.equal(cronPeriodSeconds(cronExpressionFor(interval)!), interval, `interval ${interval}`);
  }
  assert.throws(() => cronPeriodSeconds('5 4 * * * *'), /unsupported cron expression/);
  const now = Date.UTC(2025, 0, 1, 10, 7, 31, 500);
  const next = nextCronRun(300, now);
  assert.ok(next > now && next - now <= 300_000);
  assert.equal((next - new Date(next).getTimezoneOffset() * -60_000) % 300_000, 0, 'a whole multiple of 5 min in local time');
  assert.equal(linuxSignalNumber('SIGUSR1', true), 16);
  assert.equal(linuxSignalNumber('SIGUSR1', false), 10);
  assert.equal(linuxSignalNumber('SIGTERM', true), 15);
});

test('QuickJS: a commit whose small pack expands at checkout (20 MB of zeros) is refused from `git ls-tree -z` before anything is checked out', { timeout: 120_000 }, async () => {
  const repo = new ConfigRepo();
  const sha = repo.commit('zeros', { 'dlan.yaml': 'version: 1\n', 'zeros.bin': '\0'.repeat(20 << 20) });
  const root = join(tmpdir(), `dlan-qjs-checkout-bound-${process.pid}`);
  try {
    makeRouter(root, newIdentity());
    const init = await runQjs(['init', '--repo', repo.url, '--router', 'r1', '--schedule', 'none', '--max-repo-mb', '1', '--root', root]);
    assert.equal(init.code, 0, init.stderr);
    const sync = await runQjs(['sync', '--root', root]);
    assert.equal(sync.code, 1, sync.stdout + sync.stderr);
    assert.match(sync.stdout, new RegExp(`refused ${sha.slice(0, 12)}: checking it out would write (at least )?20\\.0 MB in 2 files and 0 folders, counted in 4 KB blocks: more than max_repo_mb \\(1 MB\\)`));
    assert.ok(!existsSync(join(root, 'var/lib/dlan/repo.incoming')) && !existsSync(join(root, 'var/lib/dlan/repo/zeros.bin')), 'nothing checked out, the fetch removed');
    const state = JSON.parse(readFileSync(join(root, 'etc/dlan/state.json'), 'utf8'));
    assert.deepEqual(state.failedCommits.map((f: { sha: string; phase: string }) => [f.sha, f.phase]), [[sha, 'checkout']]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
