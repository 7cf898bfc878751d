// What a no-op sync of an OpenWrt router costs in programs (issue #14 item 5). A plan reads all
// of dlan's UCI packages with one `uci export` (it used to run one per package, five); once a plan
// has found nothing to do (the one after a confirmed apply, or a no-op's), the next cycles on the
// same commit compare the bytes that plan read (settled.ts) and run no `uci` at all while they
// are the same. Drift made by hand (a file
// edited, `uci set` + commit) changes those bytes, so the next no-op cycle still corrects it.
// Counted through the uci double's logging wrapper; bench/runtime.ts prints the time and memory.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openwrtBackend } from '../../agent/backend/openwrt/openwrt-backend.ts';
import { makeStockRoot, uci, uciVerbs, useUciDouble } from '../backend-openwrt/support/openwrt-root.ts';
import { ConfigRepo } from './support/config-repo.ts';
import { Router, soloConfig } from './support/harness.ts';

const T = { timeout: 180_000 };

/** An OpenWrt router that applied its repo's head; the uci log is cleared after each `sync`. */
async function appliedRouter(): Promise<{ r: Router; log: string; sync: () => Promise<{ stdout: string; uci: string[] }> }> {
  const log = useUciDouble();
  const r = new Router(openwrtBackend, { root: makeStockRoot() });
  const repo = new ConfigRepo();
  const init = await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '120', '--schedule', 'none');
  assert.equal(init.code, 0, init.stderr);
  repo.commit('first', { 'dlan.yaml': soloConfig('192.168.50.0/24', /public_key: (\S+)/.exec(init.stdout)![1]!) });
  const sync = async () => {
    writeFileSync(log, '');
    const run = await r.cli('sync');
    assert.equal(run.code, 0, run.stdout + run.logs.join('\n'));
    return { stdout: run.stdout, uci: uciVerbs(log) };
  };
  assert.match((await sync()).stdout, /^applied/);
  return { r, log, sync };
}

const networkFile = (r: Router) => join(r.root, 'etc', 'config', 'network');

test('a no-op sync runs no uci while the router is as the plan after the apply read it; one export when it cannot know', T, async () => {
  try {
    const { r, sync } = await appliedRouter();
    const noop = await sync();
    assert.match(noop.stdout, /^unchanged/);
    assert.deepEqual(noop.uci, [], 'nothing changed since the apply: no uci at all');
    // A state written before the shortcut (or by another agent version) names nothing to compare.
    const stateFile = join(r.root, 'etc', 'dlan', 'state.json');
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    assert.ok(state.settled?.paths.some((p: string) => p.endsWith('/etc/config/network')), 'the config files are among what is compared');
    writeFileSync(stateFile, JSON.stringify({ ...state, settled: { ...state.settled, agentVersion: 'older' } }));
    assert.deepEqual((await sync()).uci, ['export'], 'one export of all packages, nothing else');
    assert.deepEqual((await sync()).uci, [], 'and settled again');
  } finally {
    delete process.env.DLAN_UCI;
  }
});

test('a config file or an owned file edited by hand after the router settled is corrected by the next no-op sync', T, async () => {
  try {
    const { r, sync } = await appliedRouter();
    const bird = join(r.root, 'etc', 'bird.conf');
    const edits: [string, (text: string) => string][] = [
      [networkFile(r), (t) => t.replace(/option ipaddr '192\.168\.50\.1'/, "option ipaddr '192.168.77.1'")],
      [bird, (t) => `${t}protocol static extra { ipv4; route 10.66.0.0/16 blackhole; }\n`],
    ];
    for (const [file, edit] of edits) {
      assert.deepEqual((await sync()).uci, [], 'settled');
      const settled = readFileSync(file, 'utf8');
      writeFileSync(file, edit(settled));
      assert.notEqual(readFileSync(file, 'utf8'), settled, 'the edit took');
      const corrected = await sync();
      assert.match(corrected.stdout, /^drift-corrected/, file);
      assert.equal(readFileSync(file, 'utf8'), settled, `${file} is dlan's again`);
    }
  } finally {
    delete process.env.DLAN_UCI;
  }
});

test('`uci set` + `uci commit` after the router settled is corrected by the next no-op sync', T, async () => {
  try {
    const { r, sync } = await appliedRouter();
    assert.deepEqual((await sync()).uci, [], 'settled');
    const lan = uci(r.root, ['show', 'network']).stdout.split('\n').find((l) => /\.ipaddr='192\.168\.50\.1'/.test(l));
    assert.ok(lan, 'the LAN address is dlan\'s');
    const option = lan.split('=')[0]!;
    assert.equal(uci(r.root, ['set', `${option}=10.9.9.1`]).code, 0);
    assert.equal(uci(r.root, ['commit', 'network']).code, 0);
    assert.match(readFileSync(networkFile(r), 'utf8'), /10\.9\.9\.1/);
    const corrected = await sync();
    assert.match(corrected.stdout, /^drift-corrected/);
    assert.match(readFileSync(networkFile(r), 'utf8'), /192\.168\.50\.1/);
    assert.deepEqual((await sync()).uci, [], 'the correction settled the router again');
  } finally {
    delete process.env.DLAN_UCI;
  }
});
