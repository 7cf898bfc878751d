// The pure parts: takeover list decisions and the package planner's ownership rules, without uci.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planUciPackage } from '../../agent/backend/openwrt/plan/plan-uci-package.ts';
import { renderUci } from '../../agent/backend/openwrt/render/render-uci.ts';
import { parseUciText } from '../../agent/base/parse-uci-text.ts';
import { getOption } from '../../agent/backend/openwrt/uci/uci-model.ts';
import { loadConfig } from '../../agent/load/load-config.ts';
import { sliceRouter } from '../../agent/slice/slice-router.ts';
import { repoRoot, stockDir } from './support/openwrt-root.ts';

function state(example: string, router: string) {
  const loaded = loadConfig([{ path: 'dlan.yaml', text: readFileSync(join(repoRoot, 'examples', example, 'dlan.yaml'), 'utf8') }]);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  return sliceRouter(loaded.config, router);
}
const stock = (pkg: string) => parseUciText(readFileSync(join(stockDir, 'etc', 'config', pkg), 'utf8'), pkg);

test('the stock br-lan bridge is replaced, unless the config uses br-lan as a device', () => {
  assert.ok(renderUci(state('reference', 'r1'), 'k').replace.network.some((s) => s.type === 'device'));
  const solo = state('single-router', 'solo');
  assert.ok(solo.lan.some((l) => l.device === 'br-lan'));
  assert.ok(!renderUci(solo, 'k').replace.network.some((s) => s.type === 'device'));
});

test('an adopted stock section gets its original values back when dlan lets go of an option', () => {
  const r = renderUci(state('reference', 'r1'), 'k');
  const first = planUciPackage({ pkg: 'dhcp', current: stock('dhcp'), ledger: undefined, mode: 'apply', rendered: r.sections.dhcp, replace: r.replace.dhcp });
  const dnsmasq = first.expected.sections.find((s) => s.type === 'dnsmasq')!;
  assert.equal(getOption(dnsmasq, 'localservice'), '0');
  assert.equal(getOption(dnsmasq, 'cachesize'), '1000', 'stock tuning stays');
  assert.deepEqual(first.ledger!.adopted.dlan_dnsmasq!.original.localservice, '1');
  // dlan no longer sets localservice: the stock value comes back.
  const without = r.sections.dhcp.map((s) => (s.name === 'dlan_dnsmasq' ? { ...s, options: s.options.filter(([o]) => o !== 'localservice') } : s));
  const second = planUciPackage({ pkg: 'dhcp', current: first.expected, ledger: first.ledger!, mode: 'apply', rendered: without, replace: r.replace.dhcp });
  assert.deepEqual(second.commands, ["set dhcp.@dnsmasq[0].localservice='1'"]);
  assert.ok(!('localservice' in second.ledger!.adopted.dlan_dnsmasq!.original));
});

test('without a stock zone to adopt, dlan creates its own; a removed dlan section is re-created', () => {
  const r = renderUci(state('reference', 'r1'), 'k');
  const noLanZone = stock('firewall');
  noLanZone.sections = noLanZone.sections.filter((s) => !(s.type === 'zone' && getOption(s, 'name') === 'lan'));
  const p = planUciPackage({ pkg: 'firewall', current: noLanZone, ledger: undefined, mode: 'apply', rendered: r.sections.firewall, replace: [] });
  const created = p.expected.sections.find((s) => s.name === 'dlan_zone_lan')!;
  assert.equal(getOption(created, 'name'), 'lan');
  assert.ok(p.ledger!.owned.dlan_zone_lan);
  assert.ok(!p.ledger!.adopted.dlan_zone_lan);
  const userDeleted = structuredClone(p.expected);
  userDeleted.sections = userDeleted.sections.filter((s) => s.name !== 'dlan_fwd_tunnel_wan');
  const again = planUciPackage({ pkg: 'firewall', current: userDeleted, ledger: p.ledger!, mode: 'apply', rendered: r.sections.firewall, replace: [] });
  assert.deepEqual(again.commands, ['set firewall.dlan_fwd_tunnel_wan=forwarding', "set firewall.dlan_fwd_tunnel_wan.src='dlan'", "set firewall.dlan_fwd_tunnel_wan.dest='wan'"]);
});
