// Reverse DNS of the OpenWrt backend with real dnsmasq: the /etc/config/dhcp sections of r1 and r2
// (reference network, r2 with a static lease) turned into dnsmasq options the way dnsmasq.init
// does (append_parm domain/local, `list server` → server=, hostrecord → host-record=name,ip…),
// each dnsmasq on its loopback in one network namespace. Proves the hostrecords answer forward
// and reverse, both addresses of a record with two IPv4 addresses, own zones answered locally
// and other routers' zones forwarded to their loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../agent/load/load-config.ts';
import { sliceRouter } from '../../agent/slice/slice-router.ts';
import { renderUciDhcp } from '../../agent/backend/openwrt/render/render-uci-dhcp.ts';
import type { RenderedSection } from '../../agent/backend/openwrt/render/rendered-uci.ts';
import { dnsmasqNetns } from '../support/dnsmasq-netns.ts';
import { repoRoot } from './support/openwrt-root.ts';

function config() {
  const base = readFileSync(join(repoRoot, 'examples', 'reference', 'dlan.yaml'), 'utf8');
  const r2 = 'lan: [ { device: eth1, ipv4: 10.2.1.0/24, ipv6: "fd35:6d2e:5a1b::/64" } ]';
  assert.ok(base.includes(r2));
  const text = base.replace(r2, `lan: [ { device: eth1, ipv4: 10.2.1.0/24, ipv6: "fd35:6d2e:5a1b::/64", leases: [ { mac: "52:54:00:00:02:02", host: 10, name: s2 } ] } ]`);
  const loaded = loadConfig([{ path: 'dlan.yaml', text }]);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.config;
}

/** The DNS options dnsmasq.init (rev 48615712) writes for these sections. */
function asDnsmasqInit(sections: RenderedSection[]): string {
  const lines: string[] = [];
  const get = (s: RenderedSection, key: string) => s.options.find(([k]) => k === key)?.[1] ?? null;
  const list = (v: unknown) => (v === null ? [] : Array.isArray(v) ? (v as string[]) : [String(v)]);
  const main = sections.find((s) => s.type === 'dnsmasq')!;
  // Stock options dlan leaves alone: domainneeded, boguspriv and rebind_protection are 1.
  lines.push('domain-needed', 'bogus-priv', 'stop-dns-rebind');
  for (const d of list(get(main, 'rebind_domain'))) lines.push(`rebind-domain-ok=${d}`);
  if (get(main, 'noresolv') === '1') lines.push('no-resolv');
  lines.push(`domain=${get(main, 'domain')}`, `local=${get(main, 'local')}`);
  for (const server of list(get(main, 'server'))) lines.push(`server=${server}`);
  for (const s of sections.filter((x) => x.type === 'hostrecord')) lines.push(`host-record=${[...list(get(s, 'name')), ...list(get(s, 'ip'))].join(',')}`);
  return `${lines.join('\n')}\n`;
}

test('real dnsmasq with the OpenWrt dhcp sections: hostrecords answer forward and reverse, zones are local or delegated', () => {
  const cfg = config();
  const lab = dnsmasqNetns('owptr');
  try {
    for (const r of ['r1', 'r2']) {
      const state = sliceRouter(cfg, r);
      lab.start(r, asDnsmasqInit(renderUciDhcp(state)), [state.loopback.ipv4, state.loopback.ipv6]);
    }
    const atR1 = (...args: string[]) => lab.dig('10.1.1.1', args);
    assert.deepEqual(atR1('-x', '10.1.1.1'), { status: 'NOERROR', answers: ['r1.lan.'] });
    assert.deepEqual(atR1('-x', 'fd00:0:1:1::1'), { status: 'NOERROR', answers: ['r1.lan.'] });
    assert.deepEqual(atR1('r1.lan', 'AAAA'), { status: 'NOERROR', answers: ['fd00:0:1:1::1'] });
    assert.deepEqual(atR1('-x', '10.2.0.2'), { status: 'NOERROR', answers: ['s1.r1.lan.'] });
    assert.deepEqual(atR1('s1.r1.lan', 'AAAA'), { status: 'NOERROR', answers: ['fd79:2de7:db86::2'] });
    assert.deepEqual(atR1('-x', '10.2.0.100'), { status: 'NOERROR', answers: ['service1.example.com.'] });
    assert.deepEqual(atR1('service1.example.com', 'A'), { status: 'NOERROR', answers: ['10.2.0.100', '10.2.1.100'] }, 'one hostrecord per address pair keeps both');
    assert.equal(atR1('-x', '10.2.0.77').status, 'NXDOMAIN');
    assert.equal(atR1('-x', 'fd79:2de7:db86::77').status, 'NXDOMAIN');
    // r2's static lease is a hostrecord of r2 only: r1 answers it by asking r2.
    assert.deepEqual(atR1('-x', '10.2.1.10'), { status: 'NOERROR', answers: ['s2.r2.lan.'] });
    assert.deepEqual(atR1('-x', 'fd00:0:1:1::2'), { status: 'NOERROR', answers: ['r2.lan.'] });
    const r1Log = lab.log('r1');
    assert.match(r1Log, /forwarded 10\.1\.2\.10\.in-addr\.arpa to 10\.1\.1\.2/);
    assert.doesNotMatch(r1Log, /forwarded 77\.0\.2\.10\.in-addr\.arpa/);
  } finally {
    lab.close();
  }
});
