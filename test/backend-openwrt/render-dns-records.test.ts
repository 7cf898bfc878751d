// CNAME, SRV, MX and TXT records from the config repo to /etc/config/dhcp sections: loaded,
// validated and sliced for real, then rendered with dnsmasq.init's section and option names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderUciDhcp } from '../../agent/backend/openwrt/render/render-uci-dhcp.ts';
import { loadConfig } from '../../agent/load/load-config.ts';
import { sliceRouter } from '../../agent/slice/slice-router.ts';
import { repoRoot } from './support/openwrt-root.ts';

const EXTRA = `    - { name: WWW.example.com, type: CNAME, target: service1.example.com }
    - { name: _sip._tcp.example.com, type: SRV, target: service1.example.com, port: 5060, weight: 5 }
    - { name: example.com, type: MX, target: mail.example.com }
    - { name: example.com, type: TXT, text: "v=spf1 a; -all" }
`;

function dhcpSections(extra: string) {
  const base = readFileSync(join(repoRoot, 'examples', 'reference', 'dlan.yaml'), 'utf8');
  const anchor = '    - { name: nas.example.com, address: "fd79:2de7:db86::2" }\n';
  assert.ok(base.includes(anchor));
  const loaded = loadConfig([{ path: 'dlan.yaml', text: base.replace(anchor, anchor + extra) }]);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  const state = sliceRouter(loaded.config, 'r1');
  return { state, sections: renderUciDhcp(state) };
}

test('CNAME, SRV, MX and TXT become cname, srvhost, mxhost and dnsrr sections with defaults applied', () => {
  const { state, sections } = dhcpSections(EXTRA);
  const byType = (t: string) => sections.filter((s) => s.type === t).map((s) => ({ name: s.name, options: s.options }));
  assert.deepEqual(byType('cname'), [{ name: 'dlan_cname_www_example_com', options: [['cname', 'www.example.com'], ['target', 'service1.example.com']] }]);
  assert.deepEqual(byType('srvhost'), [
    {
      name: 'dlan_srv__sip__tcp_example_com',
      options: [['srv', '_sip._tcp.example.com'], ['target', 'service1.example.com'], ['port', '5060'], ['class', '0'], ['weight', '5']],
    },
  ]);
  assert.deepEqual(byType('mxhost'), [{ name: 'dlan_mx_example_com', options: [['domain', 'example.com'], ['relay', 'mail.example.com'], ['pref', '10']] }]);
  // TXT rdata: one length-prefixed string, hex: 0e = 14 characters of "v=spf1 a; -all".
  assert.deepEqual(byType('dnsrr'), [
    { name: 'dlan_txt_example_com', options: [['rrname', 'example.com'], ['rrnumber', '16'], ['hexdata', `0e${Buffer.from('v=spf1 a; -all').toString('hex')}`]] },
  ]);
  // The A/AAAA records are untouched by the new kinds.
  assert.deepEqual(state.dns.records.map((r) => r.name), ['nas.example.com', 'service1.example.com']);
});

test('a config without the new record kinds slices without their fields and renders no such section', () => {
  const { state, sections } = dhcpSections('');
  assert.deepEqual(Object.keys(state.dns).sort(), ['delegations', 'listenAddresses', 'localDomain', 'ptr', 'records', 'reverseDelegations', 'reverseZones', 'upstreams']);
  assert.ok(!sections.some((s) => ['cname', 'srvhost', 'mxhost', 'dnsrr'].includes(s.type)));
});
