// CNAME, SRV, TXT and MX records in the Linux dnsmasq file: the lines, dnsmasq --test on the whole
// file, a real dnsmasq on loopback answering each kind, and a hostile TXT text refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { renderDnsmasqFiles } from '../../agent/backend/linux/render-dnsmasq-conf.ts';
import { UnsafeValueError } from '../../agent/base/safe-token.ts';
import type { DesiredState } from '../../agent/slice/desired-state.ts';
import { twoRouterState } from './linux-test-support.ts';

const KEYS = { ra: 'r/fqVyIhTD3x75i1E7GC8RJqJQBnDKpyGOTlu8L9THY=', rb: 'O0eQM2jqBhNqXjWRdQ0/EWBgHHEMAklQN5L4W/CvFGw=' };

function withRecords(): DesiredState {
  const s = twoRouterState('ra', KEYS);
  s.dns.cnames = [{ name: 'www.example.com', target: 'service1.example.com' }];
  s.dns.srv = [{ name: '_sip._tcp.example.com', target: 'service1.example.com', port: 5060, priority: 10, weight: 5 }];
  s.dns.txt = [{ name: 'example.com', text: "v=spf1 a, -all # not a comment; it's text" }];
  s.dns.mx = [{ name: 'example.com', target: 'mail.example.com', preference: 20 }];
  return s;
}

function sh(argv: string[]) {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 20000 });
  return { code: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

test('dnsmasq: CNAME, SRV, quoted TXT and MX lines; none without such records', () => {
  const paths = { hosts: '/h', dhcpHosts: '/d', leases: '/l' };
  const lines = renderDnsmasqFiles(withRecords(), paths).conf.split('\n');
  for (const want of [
    'cname=www.example.com,service1.example.com',
    'srv-host=_sip._tcp.example.com,service1.example.com,5060,10,5',
    `txt-record=example.com,"v=spf1 a, -all # not a comment; it's text"`,
    'mx-host=example.com,mail.example.com,20',
  ]) {
    assert.ok(lines.includes(want), `missing ${want}`);
  }
  const plain = renderDnsmasqFiles(twoRouterState('ra', KEYS), paths).conf;
  assert.doesNotMatch(plain, /cname=|srv-host=|txt-record=|mx-host=/);
});

test('a real dnsmasq accepts the file and answers CNAME, SRV, TXT and MX queries', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlan-dns-records-'));
  chmodSync(dir, 0o755); // dnsmasq reads addn-hosts after dropping root
  const port = String(20000 + ((process.pid + 7919) % 20000));
  try {
    const f = renderDnsmasqFiles(withRecords(), { hosts: join(dir, 'hosts'), dhcpHosts: join(dir, 'dhcp-hosts'), leases: join(dir, 'leases') });
    writeFileSync(join(dir, 'hosts'), f.hosts);
    writeFileSync(join(dir, 'dhcp-hosts'), f.dhcpHosts);
    writeFileSync(join(dir, 'dlan.conf'), f.conf);
    const check = sh(['dnsmasq', '--test', `--conf-file=${join(dir, 'dlan.conf')}`]);
    assert.equal(check.code, 0, check.out);
    // Only the record lines, served on a high port of 127.0.0.1 (the full file binds port 53).
    const records = f.conf.split('\n').filter((l) => /^(cname|srv-host|txt-record|mx-host)=/.test(l));
    writeFileSync(join(dir, 'records.conf'), `${records.join('\n')}\n`);
    const start = sh(['dnsmasq', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv', '--no-hosts', `--addn-hosts=${join(dir, 'hosts')}`, `--conf-file=${join(dir, 'records.conf')}`, `--pid-file=${join(dir, 'pid')}`]);
    assert.equal(start.code, 0, start.out);
    try {
      const dig = (name: string, type: string) => sh(['dig', '+short', '-p', port, '@127.0.0.1', name, type]).out.trim().split('\n').sort();
      assert.deepEqual(dig('_sip._tcp.example.com', 'SRV'), ['10 5 5060 service1.example.com.']);
      assert.deepEqual(dig('example.com', 'TXT'), [`"v=spf1 a, -all # not a comment; it's text"`]);
      assert.deepEqual(dig('example.com', 'MX'), ['20 mail.example.com.']);
      assert.deepEqual(dig('www.example.com', 'A'), ['10.2.0.100', '10.2.1.100', 'service1.example.com.']);
    } finally {
      const pid = Number(readFileSync(join(dir, 'pid'), 'utf8').trim());
      if (pid > 0) process.kill(pid, 'SIGTERM');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hostile value refused: a TXT text closing its quotes', () => {
  const s = withRecords();
  s.dns.txt = [{ name: 'example.com', text: 'x"\nserver=/#/203.0.113.9' }];
  assert.throws(() => renderDnsmasqFiles(s, { hosts: '/h', dhcpHosts: '/d', leases: '/l' }), UnsafeValueError);
});
