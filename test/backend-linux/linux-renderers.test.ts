// The Linux backend's renderers, checked by the daemons themselves: dnsmasq --test and a real
// dnsmasq answering the records, nft loading the ruleset in a scratch network namespace, nginx -t,
// bird -p. Then hostile values: each must be refused, never written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { renderDnsmasqFiles } from '../../agent/backend/linux/render-dnsmasq-conf.ts';
import { renderNftRuleset } from '../../agent/backend/linux/render-nftables.ts';
import { renderNginxMain } from '../../agent/backend/linux/render-nginx-main.ts';
import { renderLinuxFiles } from '../../agent/backend/linux/render-linux-files.ts';
import { renderAuthorizedKeys } from '../../agent/backend/linux/render-ssh-files.ts';
import { UnsafeValueError } from '../../agent/base/safe-token.ts';
import type { DesiredState } from '../../agent/slice/desired-state.ts';
import { twoRouterState } from './linux-test-support.ts';

const KEYS = { ra: 'r/fqVyIhTD3x75i1E7GC8RJqJQBnDKpyGOTlu8L9THY=', rb: 'O0eQM2jqBhNqXjWRdQ0/EWBgHHEMAklQN5L4W/CvFGw=' };
const ra = () => twoRouterState('ra', KEYS);
const rb = () => twoRouterState('rb', KEYS);
const paths = { hosts: '/etc/dlan-dnsmasq/hosts', dhcpHosts: '/etc/dlan-dnsmasq/dhcp-hosts', leases: '/var/lib/misc/dnsmasq.leases' };

function sh(argv: string[], input?: string) {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', input, timeout: 20000 });
  return { code: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'dlan-linux-render-'));
}

test('dnsmasq: delegation, own domain, listening, DHCPv4/v6 ranges, RA and static leases', () => {
  const f = renderDnsmasqFiles(ra(), paths);
  const lines = f.conf.split('\n');
  for (const want of [
    'no-resolv',
    'server=9.9.9.9',
    'server=2620:fe::fe',
    'local=/ra.lan/',
    'domain=ra.lan',
    'server=/rb.lan/10.1.1.2',
    'rebind-domain-ok=/rb.lan/',
    'bind-dynamic',
    'interface=eth1',
    'listen-address=10.1.1.1',
    'listen-address=fd00:0:1:1::1',
    'dhcp-range=set:lan0,10.2.0.100,10.2.0.249,255.255.255.0,12h',
    'dhcp-range=set:lan0,::64,::f9,constructor:eth1,ra-names,slaac,64,12h',
    'enable-ra',
    `addn-hosts=${paths.hosts}`,
    `dhcp-hostsfile=${paths.dhcpHosts}`,
  ]) {
    assert.ok(lines.includes(want), `missing line ${want}\n${f.conf}`);
  }
  assert.ok(!lines.includes('stop-dns-rebind'), 'rebind protection must not block delegated answers');
  assert.deepEqual(f.dhcpHosts.split('\n').filter((l) => l && !l.startsWith('#')), [
    '52:54:00:5a:bf:0b,10.2.0.2,s1',
    'id:00:01:00:01:26:5c:6a:19:52:54:00:5a:bf:0b,[fd79:2de7:db86::2],s1',
  ]);
  // A router without LAN serves DNS on its loopback only and no DHCP at all.
  const b = renderDnsmasqFiles(rb(), paths).conf;
  assert.ok(!b.includes('dhcp-range') && !b.includes('enable-ra') && !b.includes('interface='));
});

test('dnsmasq accepts the rendered files (dnsmasq --test)', () => {
  const dir = scratch();
  try {
    const f = renderDnsmasqFiles(ra(), { hosts: join(dir, 'hosts'), dhcpHosts: join(dir, 'dhcp-hosts'), leases: join(dir, 'leases') });
    writeFileSync(join(dir, 'hosts'), f.hosts);
    writeFileSync(join(dir, 'dhcp-hosts'), f.dhcpHosts);
    writeFileSync(join(dir, 'dlan.conf'), f.conf);
    const r = sh(['dnsmasq', '--test', `--conf-file=${join(dir, 'dlan.conf')}`]);
    assert.equal(r.code, 0, r.out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a real dnsmasq returns every address of a record with several addresses', async () => {
  const dir = scratch();
  chmodSync(dir, 0o755); // dnsmasq reads addn-hosts after dropping root, as on a router
  const port = String(20000 + (process.pid % 20000));
  try {
    writeFileSync(join(dir, 'hosts'), renderDnsmasqFiles(ra(), paths).hosts);
    const start = sh(['dnsmasq', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv', '--no-hosts', `--addn-hosts=${join(dir, 'hosts')}`, `--pid-file=${join(dir, 'pid')}`]);
    assert.equal(start.code, 0, start.out);
    try {
      const a = sh(['dig', '+short', '-p', port, '@127.0.0.1', 'service1.example.com', 'A']).out.trim().split('\n').sort();
      assert.deepEqual(a, ['10.2.0.100', '10.2.1.100']);
      const aaaa = sh(['dig', '+short', '-p', port, '@127.0.0.1', 'nas.example.com', 'AAAA']).out.trim();
      assert.equal(aaaa, 'fd79:2de7:db86::2');
    } finally {
      const pid = Number(readFileSync(join(dir, 'pid'), 'utf8').trim());
      if (pid > 0) process.kill(pid, 'SIGTERM');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('nft ruleset: WAN input drop with openings, forward policy, MSS clamp, masquerade, atomic reload idiom', () => {
  const text = renderNftRuleset(rb());
  const lines = text.split('\n').map((l) => l.trim());
  assert.deepEqual(lines.filter((l) => l.startsWith('table') || l.startsWith('delete')).slice(0, 3), ['table inet dlan', 'delete table inet dlan', 'table inet dlan {']);
  for (const want of [
    'iifname "eth0" jump wan_input',
    'ct state established,related accept',
    'udp dport 51820 accept comment "dlan_udp_51820"',
    'meta nfproto ipv4 tcp dport 8080 accept comment "dlan_tcp_8080"',
    'tcp dport 22 accept comment "dlan_tcp_22"',
    'oifname { "eth0", "wg0", "dlan_vx1" } tcp flags syn / syn,rst tcp option maxseg size set rt mtu',
    'oifname "eth0" meta nfproto ipv4 masquerade',
    'iifname { "lo", "wg0", "dlan_vx1" } oifname { "lo", "wg0", "dlan_vx1" } accept',
  ]) {
    assert.ok(lines.includes(want), `missing ${want}\n${text}`);
  }
  const wanChain = text.slice(text.indexOf('chain wan_input'), text.indexOf('chain forward_filter'));
  assert.match(wanChain, /\n\t\tdrop\n\t\}/, 'the WAN input chain must end in drop');
  assert.ok(renderNftRuleset(ra()).includes('iifname "eth1" oifname "eth0" accept'), 'LAN → WAN is forwarded');
});

test('the kernel loads the ruleset atomically, twice in a row (scratch network namespace)', () => {
  const ns = `dlan-nftchk-${process.pid}`;
  const add = sh(['ip', 'netns', 'add', ns]);
  assert.equal(add.code, 0, `this test needs root and network namespaces (CI runs as root): ${add.out}`);
  const dir = scratch();
  try {
    for (const state of [ra(), rb()]) {
      const file = join(dir, `${state.router}.nft`);
      writeFileSync(file, renderNftRuleset(state));
      for (let i = 0; i < 2; i++) {
        const r = sh(['ip', 'netns', 'exec', ns, 'nft', '-f', file]);
        assert.equal(r.code, 0, r.out);
      }
      const listed = sh(['ip', 'netns', 'exec', ns, 'nft', 'list', 'table', 'inet', 'dlan']);
      assert.match(listed.out, new RegExp(`comment "dlan ${state.router} [0-9a-f]{8}"`));
    }
    // A broken file changes nothing: the previous table stays as it was.
    const before = sh(['ip', 'netns', 'exec', ns, 'nft', 'list', 'table', 'inet', 'dlan']).out;
    writeFileSync(join(dir, 'bad.nft'), renderNftRuleset(ra()).replace('jump wan_input', 'jump no_such_chain'));
    assert.notEqual(sh(['ip', 'netns', 'exec', ns, 'nft', '-f', join(dir, 'bad.nft')]).code, 0);
    assert.equal(sh(['ip', 'netns', 'exec', ns, 'nft', 'list', 'table', 'inet', 'dlan']).out, before);
  } finally {
    sh(['ip', 'netns', 'del', ns]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('nginx -t accepts the private main config (stream module, stub_status on the LAN)', () => {
  // nginx -t binds every listen address: check inside a scratch namespace that has ra's LAN addresses.
  const ns = `dlan-nginxchk-${process.pid}`;
  const add = sh(['ip', 'netns', 'add', ns]);
  assert.equal(add.code, 0, `this test needs root and network namespaces (CI runs as root): ${add.out}`);
  const dir = scratch();
  try {
    for (const a of ['10.2.0.1/24', 'fd79:2de7:db86::1/64']) assert.equal(sh(['ip', '-n', ns, 'address', 'add', a, 'dev', 'lo', 'nodad']).code, 0);
    assert.equal(sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']).code, 0);
    for (const state of [ra(), rb()]) {
      const conf = renderNginxMain(state, { streamModule: '/usr/lib/nginx/modules/ngx_stream_module.so', pidFile: join(dir, 'nginx.pid'), errorLog: join(dir, 'error.log') });
      assert.match(conf, /^load_module \/usr\/lib\/nginx\/modules\/ngx_stream_module\.so;$/m);
      writeFileSync(join(dir, 'nginx.conf'), conf);
      const r = sh(['ip', 'netns', 'exec', ns, 'nginx', '-q', '-t', '-c', join(dir, 'nginx.conf')]);
      assert.equal(r.code, 0, `${state.router}: ${r.out}\n${conf}`);
    }
    const status = renderNginxMain(ra(), { streamModule: null, pidFile: '/run/x.pid', errorLog: '/var/log/x' });
    assert.match(status, /^http \{\n(.*\n)*\t\tlisten [^\n]*1337;\n(.*\n)*\t\t\tstub_status;/m, 'the status server sits in an http block');
    assert.doesNotMatch(status, /^load_module/m, 'no load_module when the module is built in');
  } finally {
    sh(['ip', 'netns', 'del', ns]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bird -p accepts bird.conf as the Linux backend writes it', () => {
  const dir = scratch();
  try {
    for (const state of [ra(), rb()]) {
      const bird = renderLinuxFiles(state, { root: '/', nginxStreamModule: null }).find((f) => f.role === 'bird')!;
      writeFileSync(join(dir, 'bird.conf'), bird.content);
      const r = sh(['bird', '-p', '-c', join(dir, 'bird.conf')]);
      assert.equal(r.code, 0, r.out);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('files under --root point to their siblings below the same root', () => {
  const files = renderLinuxFiles(ra(), { root: '/tmp/lab/r1/root', nginxStreamModule: null });
  const conf = files.find((f) => f.path === '/etc/dnsmasq.d/dlan.conf')!.content;
  assert.match(conf, /^addn-hosts=\/tmp\/lab\/r1\/root\/etc\/dlan-dnsmasq\/hosts$/m);
  assert.match(conf, /^dhcp-leasefile=\/tmp\/lab\/r1\/root\/var\/lib\/misc\/dnsmasq\.leases$/m);
});

// Each hostile value must make rendering throw UnsafeValueError (and so nothing is written).
const hostile: [string, (s: DesiredState) => void][] = [
  ['LAN device with a newline', (s) => (s.lan[0]!.device = 'eth1\ninterface=evil')],
  ['WAN device with a quote', (s) => (s.firewall.wanDevices = ['eth0" accept #'])],
  ['trusted device with a brace', (s) => (s.firewall.trustedDevices = ['lo', 'x}'])],
  ['delegated domain with a slash', (s) => (s.dns.delegations[0]!.domain = 'rb.lan/6.6.6.6')],
  ['delegation server that is not an address', (s) => (s.dns.delegations[0]!.server = '10.1.1.2\nserver=6.6.6.6')],
  ['upstream with a newline', (s) => (s.dns.upstreams = ['9.9.9.9\naddress=/#/6.6.6.6'])],
  ['record name with a space', (s) => (s.dns.records[0]!.name = 'a.example.com evil.example.com')],
  ['record address with text', (s) => (s.dns.records[0]!.addresses = ['10.0.0.1 evil'])],
  ['local domain with a newline', (s) => (s.dns.localDomain = 'ra.lan\nserver=6.6.6.6')],
  ['lease MAC with a comma', (s) => ((s.lan[0]!.leases[0] as { mac: string }).mac = '52:54:00:5a:bf:0b,10.9.9.9')],
  ['lease name with a comma', (s) => (s.lan[0]!.leases[0]!.name = 's1,ignore')],
  ['DUID that is not hex', (s) => ((s.lan[0]!.leases[1] as { duid: string }).duid = '0001zz')],
  ['lease time with a newline', (s) => (s.lan[0]!.dhcp!.leaseTime = '12h\ndhcp-range=1.1.1.1')],
  ['opening name with a quote', (s) => (s.firewall.wanInput[0]!.name = 'x" ; flush ruleset ; "')],
  ['opening port out of range', (s) => (s.firewall.wanInput[0]!.port = 70000)],
  ['router name with a newline', (s) => (s.router = 'ra\n}')],
];

for (const [what, mutate] of hostile) {
  test(`hostile value refused: ${what}`, () => {
    const s = ra();
    mutate(s);
    assert.throws(() => renderLinuxFiles(s, { root: '/', nginxStreamModule: null }), UnsafeValueError);
  });
}

test('hostile value refused: an SSH key line smuggling a second key', () => {
  assert.throws(() => renderAuthorizedKeys({ authorizedKeys: ['ssh-ed25519 AAAA a\nssh-rsa BBBB evil'], fromWan: false, passwordAuth: false }), UnsafeValueError);
});

test('hostile value refused: a service name breaking out of the nginx block', () => {
  const s = rb();
  s.services[0]!.name = 'web; } http { server { listen 9';
  assert.throws(() => renderLinuxFiles(s, { root: '/', nginxStreamModule: null }), UnsafeValueError);
});
