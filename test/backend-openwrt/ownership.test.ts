// Ownership: what the user adds survives every apply; uninstall gives the router back exactly as
// the stock fixture was; foreign sections with dlan's names are refused; the router key is checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeStockRoot, referenceConfig, runAgent, seedKey, stockDir, treeState, uci, useUciDoubleDirectly } from './support/openwrt-root.ts';

useUciDoubleDirectly();
const config = referenceConfig();
const CONFIGS = ['network', 'firewall', 'dhcp', 'system', 'dropbear'];
const stock = (pkg: string) => readFileSync(join(stockDir, 'etc', 'config', pkg), 'utf8');
const live = (root: string, pkg: string) => readFileSync(join(root, 'etc', 'config', pkg), 'utf8');

test('uninstall after apply restores the stock fixture byte for byte', async () => {
  for (const router of ['r1', 'r4']) {
    const root = makeStockRoot();
    seedKey(root, router);
    assert.equal((await runAgent(['apply', '--config', config, '--router', router, '--root', root])).code, 0);
    assert.notEqual(live(root, 'network'), stock('network'));
    const un = await runAgent(['uninstall', '--root', root]);
    assert.equal(un.code, 0, un.stderr);
    for (const pkg of CONFIGS) assert.equal(live(root, pkg), stock(pkg), `${router}: ${pkg} is back to stock`);
    const files = [...treeState(root).keys()].filter((k) => !k.startsWith('etc/dlan/snapshots') && !k.startsWith('etc/dlan/check') && !k.startsWith('tmp/'));
    assert.deepEqual(files.sort(), [...CONFIGS.map((p) => `etc/config/${p}`), 'etc/dlan/wireguard.key', 'etc/openwrt_release'].sort(), 'no dlan file is left but the key');
  }
});

test('a foreign section and foreign options survive every apply, and uninstall keeps them', async () => {
  const root = makeStockRoot();
  seedKey(root, 'r1');
  assert.equal((await runAgent(['apply', '--config', config, '--router', 'r1', '--root', root])).code, 0);
  // The user adds a rule of their own, an option on a dlan section and one on an adopted stock section.
  const edit = uci(root, ['batch'], "set firewall.my_rule=rule\nset firewall.my_rule.name='Allow-It'\nset firewall.my_rule.src='wan'\nset network.dlan_lan0.metric='7'\nset dhcp.@dnsmasq[0].logqueries='1'\ncommit\n");
  assert.equal(edit.stderr, '');
  const changed = referenceConfig((y) => y.replace('cost: 5', 'cost: 6').replace('lease_time: 12h', 'lease_time: 6h'));
  for (const c of [config, changed, config]) {
    const r = await runAgent(['apply', '--config', c, '--router', 'r1', '--root', root]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(uci(root, ['get', 'firewall.my_rule.name']).stdout, 'Allow-It\n');
    assert.equal(uci(root, ['get', 'network.dlan_lan0.metric']).stdout, '7\n');
    assert.equal(uci(root, ['get', 'dhcp.@dnsmasq[0].logqueries']).stdout, '1\n');
  }
  assert.equal((await runAgent(['uninstall', '--root', root])).code, 0);
  assert.equal(uci(root, ['get', 'firewall.my_rule.src']).stdout, 'wan\n', 'the foreign section is still there after uninstall');
  assert.equal(uci(root, ['get', 'dhcp.@dnsmasq[0].logqueries']).stdout, '1\n');
  assert.equal(uci(root, ['get', 'dhcp.@dnsmasq[0].localservice']).stdout, '1\n', 'the stock value is back');
  assert.equal(uci(root, ['get', 'network.lan.ipaddr']).stdout, '192.168.1.1\n');
  assert.equal(uci(root, ['get', 'network.dlan_lan0']).code, 1, 'dlan sections are gone');
});

test('a foreign wg0 is refused and nothing is written', async () => {
  const root = makeStockRoot();
  seedKey(root, 'r1');
  appendFileSync(join(root, 'etc', 'config', 'network'), "\nconfig interface 'wg0'\n\toption proto 'wireguard'\n");
  const before = treeState(root);
  const r = await runAgent(['apply', '--config', config, '--router', 'r1', '--root', root]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /network\.wg0 exists but was not created by dlan-agent/);
  assert.deepEqual(treeState(root), before);
});

test('an interface of the user on a managed device is a conflict', async () => {
  const root = makeStockRoot();
  seedKey(root, 'r1');
  appendFileSync(join(root, 'etc', 'config', 'network'), "\nconfig interface 'guest'\n\toption device 'eth1'\n\toption proto 'static'\n");
  const r = await runAgent(['apply', '--config', config, '--router', 'r1', '--root', root]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /network\.guest \(interface\) uses eth1/);
});

test('apply refuses without a key, or with a key the config does not publish, and writes nothing', async () => {
  const root = makeStockRoot();
  const before = treeState(root);
  const missing = await runAgent(['apply', '--config', config, '--router', 'r1', '--root', root]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no WireGuard key at .*wireguard\.key: run `dlan-agent keygen`/);
  seedKey(root, 'r2');
  const wrong = await runAgent(['apply', '--config', config, '--router', 'r1', '--root', root]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /but the config says routers\.r1\.public_key is/);
  assert.deepEqual([...treeState(root).keys()].filter((k) => !k.startsWith('etc/dlan')), [...before.keys()]);
  for (const pkg of CONFIGS) assert.equal(live(root, pkg), stock(pkg));
});

test('plan exits 2 when something would change, 0 when nothing would, 1 on error', async () => {
  const root = makeStockRoot();
  seedKey(root, 'r3');
  const pending = await runAgent(['plan', '--config', config, '--router', 'r3', '--root', root]);
  assert.equal(pending.code, 2);
  assert.match(pending.stdout, /\+ network\.wg0 \(uci\)/);
  assert.match(pending.stdout, /private_key: \(absent\) → \(secret\)/);
  assert.ok(!pending.stdout.includes('CI9huUA7'), 'the private key never appears in a plan');
  for (const pkg of CONFIGS) assert.equal(live(root, pkg), stock(pkg), 'plan writes nothing');
  assert.equal((await runAgent(['apply', '--config', config, '--router', 'r3', '--root', root])).code, 0);
  assert.equal((await runAgent(['plan', config, '--router', 'r3', '--root', root])).code, 0);
  assert.equal((await runAgent(['plan', '--config', config, '--router', 'nope', '--root', root])).code, 1);
  writeFileSync(join(root, 'etc', 'dlan', 'ledger.json'), '{not json');
  const broken = await runAgent(['plan', '--config', config, '--router', 'r3', '--root', root]);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /ledger\.json is not valid JSON/);
});
