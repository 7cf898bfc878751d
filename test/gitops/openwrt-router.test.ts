// The agent with the real OpenWrt backend on a stock OpenWrt tree (the uci test double as
// DLAN_UCI): init writes UCI settings, sync applies, an unchanged repo leaves every file alone,
// a manual edit of an owned UCI option is corrected on the next sync and reported as drift, and
// the forge sees one status per router per commit.
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openwrtBackend } from '../../agent/backend/openwrt/openwrt-backend.ts';
import { ConfigRepo } from './support/config-repo.ts';
import { ForgeServer } from './support/forge-server.ts';
import { Router, soloConfig } from './support/harness.ts';
import { changedPaths, treeSnapshot } from './support/tree-snapshot.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const uciDouble = join(repoRoot, 'dist', 'uci-double.js');
const stock = join(repoRoot, '..', 'shared', 'openwrt-stock', 'etc');

test('OpenWrt router: init → sync → no-op → drift corrected and reported', { timeout: 120_000 }, async () => {
  assert.ok(existsSync(uciDouble), `${uciDouble} is missing: run \`npm run build\` first`);
  process.env.DLAN_UCI = `${process.execPath} ${uciDouble}`;
  const forge = await ForgeServer.start();
  try {
    const r = new Router(openwrtBackend);
    cpSync(stock, join(r.root, 'etc'), { recursive: true });
    writeFileSync(join(r.root, 'etc/openwrt_release'), "DISTRIB_ID='OpenWrt'\n");
    const stockNetwork = readFileSync(join(r.root, 'etc/config/network'), 'utf8');
    const repo = new ConfigRepo();
    const init = await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '5', '--report', 'gitea', '--report-url', forge.url, '--report-repo', 'admin/mesh', '--webhook-url', `${forge.url}/hook`);
    assert.equal(init.code, 0, init.stderr);
    const settings = readFileSync(join(r.root, 'etc/config/dlan-agent'), 'utf8');
    assert.match(settings, /^config agent 'main'$/m);
    assert.match(settings, /^\toption router 'solo'$/m);
    assert.match(settings, /^config service 'service'\n\toption mode 'cron'$/m, 'the package init script sees the same mode');
    assert.match(readFileSync(join(r.root, 'etc/crontabs/root'), 'utf8'), /^\*\/5 \* \* \* \* \/usr\/bin\/dlan-agent sync --jitter/m);
    const pub = /public_key: (\S+)/.exec(init.stdout)![1]!;

    const sha = repo.commit('first', { 'dlan.yaml': soloConfig('192.168.50.0/24', pub) });
    const s1 = await r.cli('sync');
    assert.equal(s1.code, 0, `${s1.stdout}${s1.logs.join('\n')}`);
    const network = readFileSync(join(r.root, 'etc/config/network'), 'utf8');
    assert.notEqual(network, stockNetwork);
    assert.match(network, /config interface 'dlan_lan0'\n\toption device 'br-lan'\n\toption proto 'static'\n\toption ipaddr '192\.168\.50\.1'/);
    const status = JSON.parse((await r.cli('status', '--json')).stdout);
    assert.equal(status.sync.state, 'in-sync');
    assert.equal(status.sync.applied.sha, sha);

    const skip = (p: string) => p.startsWith('var/run');
    const before = treeSnapshot(r.root, skip);
    const s2 = await r.cli('sync');
    assert.equal(s2.code, 0);
    assert.match(s2.stdout, /^unchanged/);
    assert.deepEqual(changedPaths(before, treeSnapshot(r.root, skip)), [], 'no file written, so nothing to reload');

    // Someone edits an option dlan owns, by hand.
    writeFileSync(join(r.root, 'etc/config/network'), network.replace("option ipaddr '192.168.50.1'", "option ipaddr '192.168.50.254'"));
    const s3 = await r.cli('sync');
    assert.equal(s3.code, 0, s3.stdout);
    assert.match(s3.stdout, /^drift-corrected/);
    assert.equal(readFileSync(join(r.root, 'etc/config/network'), 'utf8'), network, 'the owned option is back');
    assert.ok(s3.logs.some((l) => /drift: \d+ owned item\(s\) differ/.test(l) && l.includes('network')));
    const st = JSON.parse(readFileSync(join(r.root, 'etc/dlan/state.json'), 'utf8'));
    assert.equal(st.drift.sha, sha);
    assert.ok(st.drift.changes.some((c: string) => c.includes('network')), st.drift.changes.join());
    assert.equal(JSON.parse((await r.cli('status', '--json')).stdout).sync.drift.sha, sha);
    assert.deepEqual(forge.hooks().map((h) => h.event), ['applied', 'drift-corrected']);

    const s4 = await r.cli('sync');
    assert.match(s4.stdout, /^unchanged/);
    assert.deepEqual(forge.statuses().map((x) => `${x.sha.slice(0, 7)} ${x.context} ${x.state}`), [`${sha.slice(0, 7)} dlan/solo pending`, `${sha.slice(0, 7)} dlan/solo success`], 'one pending then one final status for the commit, never repeated');
  } finally {
    delete process.env.DLAN_UCI;
    await forge.close();
  }
});
