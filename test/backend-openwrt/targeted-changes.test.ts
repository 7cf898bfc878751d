// Changes stay local: one service's upstream only touches the nginx file and reloads nginx; one
// link's cost only touches bird.conf and runs `birdc configure`; removing a link removes exactly
// that link's peer, VXLAN and address sections and its firewall/dnsmasq entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApplyResult } from '../../agent/backend/backend.ts';
import { parseUciText } from '../../agent/base/parse-uci-text.ts';
import { makeStockRoot, referenceConfig, runAgent, seedKey, treeState, uciVerbs, useUciDouble } from './support/openwrt-root.ts';

const log = useUciDouble();

async function applyJson(config: string, router: string, root: string): Promise<ApplyResult> {
  const r = await runAgent(['apply', '--config', config, '--router', router, '--root', root, '--json']);
  assert.equal(r.code, 0, r.stderr + r.logs.join('\n'));
  return JSON.parse(r.stdout) as ApplyResult;
}

async function installed(router: string): Promise<string> {
  const root = makeStockRoot();
  seedKey(root, router);
  await applyJson(referenceConfig(), router, root);
  return root;
}

const changedFiles = (before: ReturnType<typeof treeState>, after: ReturnType<typeof treeState>) =>
  [...after.keys()].filter((k) => !k.startsWith('etc/dlan/') && before.get(k)?.content !== after.get(k)!.content);

test("changing one service's upstream only rewrites the nginx file and only reloads nginx", async () => {
  const root = await installed('r4');
  const before = treeState(root);
  writeLog();
  const result = await applyJson(referenceConfig((y) => y.replace('"10.2.1.10:80"', '"10.2.1.11:80"')), 'r4', root);
  assert.deepEqual(result.changes.map((c) => `${c.kind} ${c.op} ${c.target}`), ['file change /etc/nginx/module.d/zz-dlan-stream.module']);
  assert.match(result.changes[0]!.detail, /-\t\tserver 10\.2\.1\.10:80;\n\+\t\tserver 10\.2\.1\.11:80;/);
  assert.deepEqual(result.actions.map((a) => `${a.service} ${a.action}`), ['nginx reload']);
  assert.deepEqual(changedFiles(before, treeState(root)), ['etc/nginx/module.d/zz-dlan-stream.module']);
  assert.deepEqual(uciVerbs(log).filter((v) => v !== 'export'), [], 'no uci write');
});

test("changing one link's cost only rewrites bird.conf and only runs birdc configure", async () => {
  const root = await installed('r2');
  const before = treeState(root);
  writeLog();
  const result = await applyJson(referenceConfig((y) => y.replace('cost: 5', 'cost: 7')), 'r2', root);
  assert.deepEqual(result.changes.map((c) => `${c.kind} ${c.op} ${c.target}`), ['file change /etc/bird.conf']);
  assert.deepEqual(result.actions.map((a) => a.argv.join(' ')), ['birdc configure']);
  assert.deepEqual(changedFiles(before, treeState(root)), ['etc/bird.conf']);
  assert.deepEqual(uciVerbs(log).filter((v) => v !== 'export'), []);
});

test("removing a link deletes exactly that link's sections and entries, and nothing else", async () => {
  const root = await installed('r1');
  const read = (pkg: string) => parseUciText(readFileSync(join(root, 'etc', 'config', pkg), 'utf8'), pkg);
  const network = read('network');
  const firewall = read('firewall');
  const dhcp = read('dhcp');
  const result = await applyJson(referenceConfig((y) => y.replace('  - [r1, r5]\n', '')), 'r1', root);
  assert.deepEqual(result.changes.map((c) => `${c.kind} ${c.op} ${c.target}`).sort(), [
    'file change /etc/bird.conf',
    'uci change dhcp.@dnsmasq[0]',
    'uci change firewall.dlan_zone_tunnel',
    'uci delete network.dlan_peer_5',
    'uci delete network.dlan_vx5',
    'uci delete network.dlan_vx5_addr',
  ]);
  // network: the same sections minus the three of the link, each untouched.
  const gone = new Set(['dlan_peer_5', 'dlan_vx5', 'dlan_vx5_addr']);
  assert.deepEqual(read('network').sections, network.sections.filter((s) => !gone.has(s.name ?? '')));
  // firewall: only the tunnel zone's device list loses dlan_vx5.
  const expectedFirewall = structuredClone(firewall);
  const zone = expectedFirewall.sections.find((s) => s.name === 'dlan_zone_tunnel')!;
  zone.options = zone.options.map((o) => (o.name === 'device' ? { name: 'device', value: (o.value as string[]).filter((d) => d !== 'dlan_vx5') } : o));
  assert.deepEqual(sortOptions(read('firewall')), sortOptions(expectedFirewall));
  // dhcp: only dnsmasq stops listening on dlan_vx5 (r5's domain is still delegated: r5 is reachable via r4).
  const expectedDhcp = structuredClone(dhcp);
  const dnsmasq = expectedDhcp.sections.find((s) => s.type === 'dnsmasq')!;
  dnsmasq.options = dnsmasq.options.map((o) => (o.name === 'interface' ? { name: 'interface', value: (o.value as string[]).filter((d) => d !== 'dlan_vx5') } : o));
  assert.deepEqual(sortOptions(read('dhcp')), sortOptions(expectedDhcp));
  assert.deepEqual(
    result.actions.map((a) => a.argv.join(' ')),
    ['/etc/init.d/network reload', 'ifup wg0', 'fw4 check', '/etc/init.d/firewall reload', '/etc/init.d/dnsmasq reload', 'birdc configure'],
  );
});

function sortOptions<T extends { sections: { options: { name: string }[] }[] }>(p: T): T {
  const c = structuredClone(p);
  for (const s of c.sections) s.options.sort((a, b) => (a.name < b.name ? -1 : 1));
  return c;
}

function writeLog(): void {
  useUciDouble(log);
}
