// One test per schema rule: each case edits the valid BASE mesh so that exactly one thing is
// wrong, and asserts the only error's message, merged path and line (the `#!` marker).
import { test } from 'node:test';
import { BASE, KEY, SSH_KEY, R1_LAN, edit, expectOnlyError, expectDiagnostic, load, markedLine, type Case } from './validate-support.ts';
import assert from 'node:assert/strict';

const cases: Case[] = [
  { name: 'version must be 1', text: edit(BASE, ['version: 1', 'version: 2 #!']), message: 'must be 1 (the only format version), not `2`', path: 'version' },
  { name: 'version as a string is not 1', text: edit(BASE, ['version: 1', 'version: "1" #!']), message: 'must be 1', path: 'version' },
  { name: 'unknown top-level key, with a did-you-mean', text: edit(BASE, ['version: 1\n', 'version: 1\ndomian: lan #!\n']), message: 'unknown key `domian`; did you mean `domain`?', path: 'domian' },
  { name: 'unknown key inside a LAN', text: edit(BASE, ['        ipv4: 10.2.0.0/24\n', '        ipv4: 10.2.0.0/24\n        gateway: 10.2.0.1 #!\n']), message: 'unknown key `gateway`', path: 'routers.r1.lan[0].gateway' },
  { name: 'a private key is an unknown key, flagged as a secret', text: edit(BASE, ['    id: 1\n', `    id: 1\n    private_key: ${KEY.r3} #!\n`]), message: 'unknown key `private_key`: secrets', path: 'routers.r1.private_key' },
  { name: 'a preshared key is an unknown key', text: edit(BASE, ['links:', 'wireguard: { port: 51820, preshared_key: abcdef } #!\nlinks:']), message: 'unknown key `preshared_key`: secrets', path: 'wireguard.preshared_key' },
  { name: 'a password is an unknown key', text: edit(BASE, ['links:', 'admin:\n  password: hunter2 #!\nlinks:']), message: 'unknown key `password`: secrets', path: 'admin.password' },
  { name: 'router name must be a DNS label', text: edit(BASE, ['links:', `  Bad_Name: #!\n    id: 3\n    public_key: ${KEY.r3}\n    wan: [ { device: eth0 } ]\nlinks:`]), message: 'name `Bad_Name` is not a valid router name', path: 'routers.Bad_Name' },
  { name: 'router name may not end with -', text: edit(BASE, ['links:', `  r3-: #!\n    id: 3\n    public_key: ${KEY.r3}\n    wan: [ { device: eth0 } ]\nlinks:`]), message: 'is not a valid router name', path: 'routers.r3-' },
  { name: 'domain must be DNS labels', text: edit(BASE, ['version: 1\n', 'version: 1\ndomain: "home..arpa" #!\n']), message: 'is not a valid domain', path: 'domain' },
  { name: 'wireguard port range', text: edit(BASE, ['links:', 'wireguard: { port: 70000 } #!\nlinks:']), message: 'must be an integer between 1 and 65535, not 70000', path: 'wireguard.port' },
  { name: 'keepalive range', text: edit(BASE, ['links:', 'wireguard: { keepalive: -1 } #!\nlinks:']), message: 'must be an integer between 0 and 65535', path: 'wireguard.keepalive' },
  { name: 'port must be an integer', text: edit(BASE, ['links:', 'vxlan: { port: 47.5 } #!\nlinks:']), message: 'must be an integer, not the fraction 47.5', path: 'vxlan.port' },
  { name: 'mtu range', text: edit(BASE, ['links:', 'wireguard: { mtu: 1000 } #!\nlinks:']), message: 'must be an integer between 1280 and 9000', path: 'wireguard.mtu' },
  { name: 'bfd_interval range (ms)', text: edit(BASE, ['links:', 'ospf: { bfd_interval: 5 } #!\nlinks:']), message: 'must be an integer between 10 and 10000, not 5', path: 'ospf.bfd_interval' },
  { name: 'link bfd_interval range (ms)', text: edit(BASE, ['  - [r1, r2]\n', '  - { routers: [r1, r2], bfd_interval: 20000 } #!\n']), message: 'must be an integer between 10 and 10000, not 20000', path: 'links[0].bfd_interval' },
  { name: 'link bfd_multiplier range', text: edit(BASE, ['  - [r1, r2]\n', '  - { routers: [r1, r2], bfd_multiplier: 300 } #!\n']), message: 'must be an integer between 2 and 255, not 300', path: 'links[0].bfd_multiplier' },
  { name: 'bfd_multiplier range', text: edit(BASE, ['links:', 'ospf: { bfd_multiplier: 1 } #!\nlinks:']), message: 'must be an integer between 2 and 255, not 1', path: 'ospf.bfd_multiplier' },
  { name: 'ospf bfd is true or false (timers have their own keys)', text: edit(BASE, ['links:', 'ospf: { bfd: { interval: 100 } } #!\nlinks:']), message: 'must be `true` or `false`', path: 'ospf.bfd' },
  { name: 'id at least 1', text: edit(BASE, ['    id: 1\n', '    id: 0 #!\n']), message: 'must be an integer between 1 and 4095, not 0', path: 'routers.r1.id' },
  { name: 'max_routers 2..4096', text: edit(BASE, ['links:', 'addressing: { max_routers: 5000 } #!\nlinks:']), message: 'must be an integer between 2 and 4096', path: 'addressing.max_routers' },
  { name: 'wan must be a list', text: edit(BASE, ['    wan: [ { device: eth0 } ]\n    lan:', '    wan: eth0 #!\n    lan:']), message: 'must be a list, not the string `eth0`', path: 'routers.r1.wan' },
  { name: 'at least one wan', text: edit(BASE, ['    wan: [ { device: eth0 } ]\n    lan:', '    wan: [] #!\n    lan:']), message: 'a router needs at least one `wan` interface', path: 'routers.r1.wan' },
  { name: 'public_key is required', text: edit(BASE, ['  r1:\n    id: 1\n    public_key: ' + KEY.r1 + '\n', '  r1: #!\n    id: 1\n']), message: 'missing required key `public_key`', path: 'routers.r1' },
  { name: 'public key length', text: edit(BASE, [KEY.r1, `${KEY.r1.slice(1)} #!`]), message: 'is not a WireGuard public key: it has 43 characters', path: 'routers.r1.public_key' },
  { name: 'public key must decode to exactly 32 bytes', text: edit(BASE, [KEY.r1, `${KEY.r1.slice(0, 42)}Z= #!`]), message: 'is not a WireGuard public key: 44 base64 characters', path: 'routers.r1.public_key' },
  { name: 'device names cannot carry shell syntax', text: edit(BASE, ['      - device: eth1\n', '      - device: "eth1; reboot" #!\n']), message: 'is not a valid device name', path: 'routers.r1.lan[0].device' },
  { name: 'device names are at most 15 characters', text: edit(BASE, ['      - device: eth1\n', '      - device: averyverylongdevice #!\n']), message: 'is not a valid device name', path: 'routers.r1.lan[0].device' },
  { name: 'a newline in a name is rejected', text: edit(BASE, ['        ipv6: "fd79:2de7:db86::/64"\n', '        ipv6: "fd79:2de7:db86::/64"\n        leases:\n          - { mac: "52:54:00:5a:bf:0b", host: 2, name: "s1\\nevil" } #!\n']), message: '`s1\\u000aevil` is not a valid host name', path: 'routers.r1.lan[0].leases[0].name' },
  { name: 'braces in an upstream are rejected', text: edit(BASE, ['links:', 'services:\n  - { name: web, routers: [r2], listen: ["80"], upstreams: ["a}b:80"] } #!\nlinks:']), message: 'is not a valid upstream', path: 'services[0].upstreams[0]' },
  { name: 'quotes in a listen are rejected', text: edit(BASE, ['links:', 'services:\n  - { name: web, routers: [r2], listen: ["80\\";"], upstreams: ["a:80"] } #!\nlinks:']), message: 'is not a valid listen address', path: 'services[0].listen[0]' },
  { name: 'an IPv6 endpoint needs brackets', text: edit(BASE, ['    endpoint: 203.0.113.2\n', '    endpoint: "2001:db8::2" #!\n']), message: 'an IPv6 address must be written in brackets', path: 'routers.r2.endpoint' },
  { name: 'endpoint port range', text: edit(BASE, ['    endpoint: 203.0.113.2\n', '    endpoint: "203.0.113.2:0" #!\n']), message: 'port `0` must be an integer between 1 and 65535', path: 'routers.r2.endpoint' },
  { name: 'endpoint IPv4 must be valid', text: edit(BASE, ['    endpoint: 203.0.113.2\n', '    endpoint: 203.0.113.256 #!\n']), message: 'is not a valid IPv4 address', path: 'routers.r2.endpoint' },
  { name: 'a lease has mac or duid, not both', text: edit(BASE, [R1_LAN, `${R1_LAN}        leases:\n          - { mac: "52:54:00:5a:bf:0b", duid: "0001", host: 2, name: s1 } #!\n`]), message: 'not both', path: 'routers.r1.lan[0].leases[0]' },
  { name: 'a lease needs mac or duid', text: edit(BASE, [R1_LAN, `${R1_LAN}        leases:\n          - { host: 2, name: s1 } #!\n`]), message: 'a lease needs `mac`', path: 'routers.r1.lan[0].leases[0]' },
  { name: 'lease host is at least 2 (1 is the router)', text: edit(BASE, [R1_LAN, `${R1_LAN}        leases:\n          - { mac: "52:54:00:5a:bf:0b", host: 1, name: s1 } #!\n`]), message: 'must be an integer between 2 and', path: 'routers.r1.lan[0].leases[0].host' },
  { name: 'MAC address shape', text: edit(BASE, [R1_LAN, `${R1_LAN}        leases:\n          - { mac: "52:54:00:5a:bf", host: 2, name: s1 } #!\n`]), message: 'is not a MAC address', path: 'routers.r1.lan[0].leases[0].mac' },
  { name: 'dhcp is false or settings', text: edit(BASE, [R1_LAN, `${R1_LAN}        dhcp: true #!\n`]), message: 'must be `false`', path: 'routers.r1.lan[0].dhcp' },
  { name: 'lease time shape', text: edit(BASE, [R1_LAN, `${R1_LAN}        dhcp: { lease_time: "12 hours" } #!\n`]), message: 'is not a lease time', path: 'routers.r1.lan[0].dhcp.lease_time' },
  { name: 'service protocol is tcp or udp', text: edit(BASE, ['links:', 'services:\n  - { name: web, protocol: sctp, routers: [r2], listen: ["80"], upstreams: ["a:80"] } #!\nlinks:']), message: 'must be one of `tcp`, `udp`, not `sctp`', path: 'services[0].protocol' },
  { name: 'service name shape', text: edit(BASE, ['links:', 'services:\n  - { name: "Web Site", routers: [r2], listen: ["80"], upstreams: ["a:80"] } #!\nlinks:']), message: 'is not a valid service name', path: 'services[0].name' },
  { name: 'a listen may not repeat in one service', text: edit(BASE, ['links:', 'services:\n  - { name: web, routers: [r2], listen: ["80", "80"], upstreams: ["a:80"] } #!\nlinks:']), message: '`80` is listed twice', path: 'services[0].listen[1]' },
  { name: 'a service needs an upstream', text: edit(BASE, ['links:', 'services:\n  - { name: web, routers: [r2], listen: ["80"], upstreams: [] } #!\nlinks:']), message: 'must list at least one entry', path: 'services[0].upstreams' },
  { name: 'a link is a pair or a mapping', text: edit(BASE, ['  - [r1, r2]\n', '  - r1-r2 #!\n']), message: 'a link is `[a, b]` or a mapping with `routers: [a, b]`', path: 'links[0]' },
  { name: 'a link names exactly two routers', text: edit(BASE, ['  - [r1, r2]\n', '  - [r1, r2, r1] #!\n']), message: 'a link names exactly two routers', path: 'links[0]' },
  { name: 'link cost range', text: edit(BASE, ['  - [r1, r2]\n', '  - { routers: [r1, r2], cost: 0 } #!\n']), message: 'must be an integer between 1 and 65535', path: 'links[0].cost' },
  { name: 'ssh key type', text: edit(BASE, ['links:', 'admin:\n  ssh_keys: ["ssh-dss AAAAB3NzaC1kc3M= old"] #!\nlinks:']), message: 'is not an SSH public key line', path: 'admin.ssh_keys[0]' },
  { name: 'ssh key options are refused', text: edit(BASE, ['links:', `admin:\n  ssh_keys: ['from="10.0.0.1" ${SSH_KEY}'] #!\nlinks:`]), message: 'has options before the key type', path: 'admin.ssh_keys[0]' },
  { name: 'an empty ssh_keys list would lock the admin out', text: edit(BASE, ['links:', 'admin:\n  ssh_keys: [] #!\nlinks:']), message: 'must list at least one key', path: 'admin.ssh_keys' },
  { name: 'yes is a string in YAML 1.2', text: edit(BASE, ['links:', `admin:\n  ssh_keys: ["${SSH_KEY}"]\n  ssh_from_wan: yes #!\nlinks:`]), message: 'must be `true` or `false`, not the string `yes`', path: 'admin.ssh_from_wan' },
  { name: 'dns upstream is an IP address', text: edit(BASE, ['links:', 'dns: { upstream: [dns.example.com] } #!\nlinks:']), message: 'is not an IPv4 or IPv6 address', path: 'dns.upstream[0]' },
  { name: 'dns record name', text: edit(BASE, ['links:', 'dns:\n  records: [ { name: "bad name", address: 10.2.0.5 } ] #!\nlinks:']), message: 'is not a valid DNS name', path: 'dns.records[0].name' },
  { name: 'TXT text has no quote', text: edit(BASE, ['links:', 'dns:\n  records: [ { name: t.example.com, type: TXT, text: \'a"b\' } ] #!\nlinks:']), message: 'is not a valid TXT text: printable ASCII characters except', path: 'dns.records[0].text' },
  { name: 'SRV port range', text: edit(BASE, ['links:', 'dns:\n  records: [ { name: _sip._tcp.example.com, type: SRV, target: sip.example.com, port: 70000 } ] #!\nlinks:']), message: 'must be an integer between 1 and 65535, not 70000', path: 'dns.records[0].port' },
  { name: 'record type', text: edit(BASE, ['links:', 'dns:\n  records: [ { name: t.example.com, type: NS, target: ns.example.com } ] #!\nlinks:']), message: 'must be one of `A`, `AAAA`, `CNAME`, `SRV`, `TXT`, `MX`, not `NS`', path: 'dns.records[0].type' },
  { name: 'an unknown YAML tag', text: edit(BASE, ['links:', 'monitoring: { nginx_status_port: 1337 }\nlinks:'], ['    id: 1\n', '    id: !!binary AQ== #!\n']), message: 'YAML tag `!!binary` is not supported', path: '' },
];

for (const c of cases) {
  test(`schema: ${c.name}`, async () => {
    await expectOnlyError(c.text, { message: c.message, path: c.path, line: markedLine(c.text) });
  });
}

test('schema: a missing version is reported at the top of the file', async () => {
  await expectOnlyError(edit(BASE, ['version: 1\n', '']), { message: 'missing required key `version` (write `version: 1`)', path: '', line: 1 });
});

test('schema: a config without routers is rejected', async () => {
  await expectOnlyError('version: 1\n', { message: 'at least one router is required', path: '', line: 1 });
});

test('schema: an SSH private key pasted as a key fails both as a key and as a secret in the text', async () => {
  const text = edit(BASE, ['links:', 'admin:\n  ssh_keys: ["-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA"] #!\nlinks:']);
  const r = await load(text);
  assert.equal(r.ok, false);
  if (r.ok) return;
  expectDiagnostic(r.diagnostics, { message: 'is a private key', path: 'admin.ssh_keys[0]', line: markedLine(text) });
  expectDiagnostic(r.diagnostics, { message: 'holds a private key', path: '', line: markedLine(text) });
});
