// What a no-op sync of an OpenWrt router costs in programs (issue #14 item 5): the plan reads all
// of dlan's UCI packages with one `uci export` (it used to run one per package, five), checked
// through the uci double's logging wrapper. bench/runtime.ts prints the time and memory.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { openwrtBackend } from '../../agent/backend/openwrt/openwrt-backend.ts';
import { makeStockRoot, uciVerbs, useUciDouble } from '../backend-openwrt/support/openwrt-root.ts';
import { ConfigRepo } from './support/config-repo.ts';
import { Router, soloConfig } from './support/harness.ts';

test('a no-op sync of an OpenWrt router runs one uci export', { timeout: 180_000 }, async () => {
  const log = useUciDouble();
  try {
    const r = new Router(openwrtBackend, { root: makeStockRoot() });
    const repo = new ConfigRepo();
    const init = await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '120', '--schedule', 'none');
    assert.equal(init.code, 0, init.stderr);
    repo.commit('first', { 'dlan.yaml': soloConfig('192.168.50.0/24', /public_key: (\S+)/.exec(init.stdout)![1]!) });
    const first = await r.cli('sync');
    assert.equal(first.code, 0, first.stdout + first.logs.join('\n'));
    writeFileSync(log, '');
    const noop = await r.cli('sync');
    assert.match(noop.stdout, /^unchanged/);
    assert.deepEqual(uciVerbs(log), ['export'], 'one export of all packages, nothing else');
  } finally {
    delete process.env.DLAN_UCI;
  }
});
