// Reverse DNS with real dnsmasq: r1 and r2 of the reference network (r2 with a static lease of
// its own) rendered by the Linux backend, each dnsmasq on its loopback inside one network
// namespace. `dig -x` at r1 answers r1's own PTRs (loopback, leases, records, several names),
// NXDOMAIN for an unknown address of r1's zones without asking upstream, and r2's addresses by
// forwarding to r2's loopback, which answers them from its own data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../agent/load/load-config.ts';
import { sliceRouter } from '../../agent/slice/slice-router.ts';
import { renderDnsmasqFiles } from '../../agent/backend/linux/render-dnsmasq-conf.ts';
import { UnsafeValueError } from '../../agent/base/safe-token.ts';
import { dnsmasqNetns } from '../support/dnsmasq-netns.ts';

const root = join(import.meta.dirname, '..', '..');

function referenceWithR2Lease() {
  const base = readFileSync(join(root, 'examples', 'reference', 'dlan.yaml'), 'utf8');
  const r2 = 'lan: [ { device: eth1, ipv4: 10.2.1.0/24, ipv6: "fd35:6d2e:5a1b::/64" } ]';
  assert.ok(base.includes(r2));
  const text = base.replace(
    r2,
    `lan:
      - device: eth1
        ipv4: 10.2.1.0/24
        ipv6: "fd35:6d2e:5a1b::/64"
        leases:
          - { mac: "52:54:00:00:02:02", host: 10, name: s2 }
          - { duid: "0003000152540000020a", host: 10, name: s2 }`,
  );
  const loaded = loadConfig([{ path: 'dlan.yaml', text }]);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.config;
}

/** The DNS part of the rendered main file (DHCP and interface lines need the LAN devices). */
function dnsOnly(conf: string): string {
  return `${conf.split('\n').filter((l) => /^(domain-needed|no-resolv|server=|local=|domain=|expand-hosts|addn-hosts=|rebind-domain-ok=|ptr-record=)/.test(l)).join('\n')}\n`;
}

test('real dnsmasq: own PTRs answered, own zones never forwarded, other routers\' zones asked to their loopback', () => {
  const config = referenceWithR2Lease();
  const lab = dnsmasqNetns('ptr');
  try {
    for (const r of ['r1', 'r2']) {
      const state = sliceRouter(config, r);
      const files = renderDnsmasqFiles(state, { hosts: join(lab.dir, `${r}.hosts`), dhcpHosts: join(lab.dir, `${r}.dhcp-hosts`), leases: join(lab.dir, `${r}.leases`) });
      writeFileSync(join(lab.dir, `${r}.hosts`), files.hosts);
      lab.start(r, dnsOnly(files.conf), [state.loopback.ipv4, state.loopback.ipv6]);
    }
    const atR1 = (...args: string[]) => lab.dig('10.1.1.1', args);

    // r1's own data
    assert.deepEqual(atR1('-x', '10.1.1.1'), { status: 'NOERROR', answers: ['r1.lan.'] });
    assert.deepEqual(atR1('-x', 'fd00:0:1:1::1'), { status: 'NOERROR', answers: ['r1.lan.'] });
    assert.deepEqual(atR1('r1.lan', 'A'), { status: 'NOERROR', answers: ['10.1.1.1'] }, 'forward and reverse agree');
    assert.deepEqual(atR1('r1.lan', 'AAAA'), { status: 'NOERROR', answers: ['fd00:0:1:1::1'] });
    assert.deepEqual(atR1('-x', '10.2.0.2'), { status: 'NOERROR', answers: ['s1.r1.lan.'] });
    assert.deepEqual(atR1('-x', 'fd79:2de7:db86::2'), { status: 'NOERROR', answers: ['nas.example.com.', 's1.r1.lan.'] }, 'a lease and a record on one address: both names');
    assert.deepEqual(atR1('-x', '10.2.0.100'), { status: 'NOERROR', answers: ['service1.example.com.'] });
    // An unknown address of r1's zones: NXDOMAIN here, not asked upstream (9.9.9.9 in the file).
    assert.equal(atR1('-x', '10.2.0.77').status, 'NXDOMAIN');
    assert.equal(atR1('-x', 'fd79:2de7:db86::77').status, 'NXDOMAIN');

    // r2's zones: r1 asks r2, which answers its lease and its loopback, NXDOMAIN for the rest.
    assert.deepEqual(atR1('-x', '10.2.1.10'), { status: 'NOERROR', answers: ['s2.r2.lan.'] });
    assert.deepEqual(atR1('-x', 'fd35:6d2e:5a1b::a'), { status: 'NOERROR', answers: ['s2.r2.lan.'] });
    assert.deepEqual(atR1('-x', '10.1.1.2'), { status: 'NOERROR', answers: ['r2.lan.'] });
    assert.equal(atR1('-x', '10.2.1.77').status, 'NXDOMAIN');

    const r1Log = lab.log('r1');
    assert.match(r1Log, /forwarded 10\.1\.2\.10\.in-addr\.arpa to 10\.1\.1\.2/);
    assert.match(r1Log, /forwarded a\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.b\.1\.a\.5\.e\.2\.d\.6\.5\.3\.d\.f\.ip6\.arpa to 10\.1\.1\.2/);
    assert.doesNotMatch(r1Log, /forwarded (77\.0\.2\.10\.in-addr|7\.7\.0\.0\.[0-9a-f.]*6\.8\.b\.d\.7\.e\.d\.2\.9\.7\.d\.f\.ip6)\.arpa/, 'own zones never leave r1');
    // Only r1 forwards there (dig asks r1 alone): r2 got the question.
    const asked = /query\[PTR\] 10\.1\.2\.10\.in-addr\.arpa from /;
    assert.match(lab.log('r2', asked), asked, 'r2 got the question from r1');
  } finally {
    lab.close();
  }
});

test('hostile PTR names and zones are refused, not written', () => {
  const state = sliceRouter(referenceWithR2Lease(), 'r1');
  const paths = { hosts: '/h', dhcpHosts: '/d', leases: '/l' };
  const hostile = (edit: (s: typeof state) => void) => {
    const s = structuredClone(state);
    edit(s);
    assert.throws(() => renderDnsmasqFiles(s, paths), UnsafeValueError);
  };
  hostile((s) => s.dns.ptr!.push({ address: '10.2.0.9', name: 'x\nserver=/#/203.0.113.9' }));
  hostile((s) => s.dns.ptr!.push({ address: '10.2.0.9 evil.example', name: 'x.example' }));
  hostile((s) => s.dns.reverseZones!.push('0.2.10.in-addr.arpa/#'));
  hostile((s) => s.dns.reverseDelegations!.push({ zone: '9.10.in-addr.arpa', server: '10.1.1.2#5353' }));
});
