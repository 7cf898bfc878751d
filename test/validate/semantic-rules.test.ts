// One test per semantic rule (what the schema cannot express): each case edits the valid BASE
// mesh so that exactly one rule is broken and asserts the only error's message, path and line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, KEY, SSH_KEY, R1_LAN, edit, expectOnlyError, load, markedLine, describe, type Case } from './validate-support.ts';

const withLeases = (leases: string) => edit(BASE, [R1_LAN, `${R1_LAN}        leases:\n${leases}`]);
const withServices = (services: string, extra = '') => edit(BASE, ['links:', `services:\n${services}${extra}links:`]);
const R3 = (body = '', name = 'r3') => `  ${name}:\n    id: 3\n    public_key: ${KEY.r3}\n    endpoint: 198.51.100.3\n    wan: [ { device: eth0 } ]\n${body}`;
const withR3 = (body = '', links = '  - [r1, r2]\n  - [r1, r3]\n') => edit(BASE, ['links:\n  - [r1, r2]\n', `${R3(body)}links:\n${links}`]);

const cases: Case[] = [
  // ids and pools
  { name: 'id below max_routers', text: edit(BASE, ['links:', 'addressing: { max_routers: 2 }\nlinks:'], ['    id: 2\n', '    id: 2 #!\n']), message: 'id 2 must be below `addressing.max_routers` (2)', path: 'routers.r2.id' },
  { name: 'id fits loopback_ipv4', text: edit(BASE, ['links:', 'addressing: { loopback_ipv4: 10.1.1.0/30 }\nlinks:'], ['    id: 2\n', '    id: 3 #!\n']), message: 'id 3 does not fit `addressing.loopback_ipv4` (10.1.1.0/30): it has usable addresses for ids 1..2', path: 'routers.r2.id' },
  { name: 'id fits tunnel_ipv4', text: edit(BASE, ['links:', 'addressing: { tunnel_ipv4: 10.1.0.0/30 }\nlinks:'], ['    id: 2\n', '    id: 3 #!\n']), message: 'does not fit `addressing.tunnel_ipv4`', path: 'routers.r2.id' },
  { name: 'id fits loopback_ipv6', text: edit(BASE, ['links:', 'addressing: { loopback_ipv6: "fd00:0:1:1::/127" }\nlinks:'], ['    id: 2\n', '    id: 2 #!\n']), message: 'does not fit `addressing.loopback_ipv6` (fd00:0:1:1::/127): it has usable addresses for ids 1..1', path: 'routers.r2.id' },
  { name: 'id fits tunnel_ipv6', text: edit(BASE, ['links:', 'addressing: { tunnel_ipv6: "fd00:0:1::/127" }\nlinks:'], ['    id: 2\n', '    id: 2 #!\n']), message: 'does not fit `addressing.tunnel_ipv6`', path: 'routers.r2.id' },
  { name: 'ids are unique', text: edit(BASE, ['    id: 2\n', '    id: 1 #!\n']), message: 'duplicate id 1: already used by router `r1`', path: 'routers.r2.id' },
  { name: 'public keys are unique', text: edit(BASE, [`    public_key: ${KEY.r2}\n`, `    public_key: ${KEY.r1} #!\n`]), message: 'duplicate public key: the same as router `r1`', path: 'routers.r2.public_key' },
  { name: 'pools do not overlap', text: edit(BASE, ['links:', 'addressing:\n  tunnel_ipv4: 10.1.1.0/24 #!\nlinks:']), message: '10.1.1.0/24 overlaps `addressing.loopback_ipv4` (10.1.1.0/24, the default)', path: 'addressing.tunnel_ipv4' },
  { name: 'a written pool does not overlap a default one', text: edit(BASE, ['links:', 'addressing:\n  loopback_ipv4: 10.0.5.0/24 #!\nlinks:']), message: '10.0.5.0/24 overlaps `addressing.transit_ipv4` (10.0.0.0/16, the default)', path: 'addressing.loopback_ipv4' },
  { name: 'IPv6 pools do not overlap', text: edit(BASE, ['links:', 'addressing:\n  tunnel_ipv6: "fd00:0:1::/48" #!\nlinks:']), message: 'overlaps `addressing.loopback_ipv6`', path: 'addressing.tunnel_ipv6' },
  { name: 'a pool is a network address', text: edit(BASE, ['links:', 'addressing:\n  transit_ipv4: 10.0.0.1/16 #!\nlinks:']), message: 'has host bits set: write the network address `10.0.0.0/16`', path: 'addressing.transit_ipv4' },
  { name: 'an IPv6 pool must parse', text: edit(BASE, ['links:', 'addressing:\n  loopback_ipv6: "fd00::1::/64" #!\nlinks:']), message: 'is not a valid IPv6 prefix', path: 'addressing.loopback_ipv6' },
  { name: "a link's transit /30 fits the transit pool", text: edit(BASE, ['    id: 1\n', '    id: 64\n'], ['    id: 2\n', '    id: 65\n'], ['  - [r1, r2]\n', '  - [r1, r2] #!\n']), message: 'link r1–r2 (pair id 16449): its transit /30 (addresses 65796..65799 of the pool) does not fit the transit pool `addressing.transit_ipv4` (10.0.0.0/16), which has 65536 addresses: enlarge transit_ipv4 to a /15', path: 'links[0]' },
  // interfaces and subnets
  { name: 'LAN subnets of two routers do not overlap', text: edit(BASE, ['    endpoint: 203.0.113.2\n', '    endpoint: 203.0.113.2\n    lan: [ { device: eth1, ipv4: 10.2.0.128/25 } ] #!\n']), message: '10.2.0.128/25 overlaps `routers.r1.lan[0].ipv4` (10.2.0.0/24) of router `r1`', path: 'routers.r2.lan[0].ipv4' },
  { name: 'IPv6 LAN subnets do not overlap', text: edit(BASE, ['    endpoint: 203.0.113.2\n', '    endpoint: 203.0.113.2\n    lan: [ { device: eth1, ipv4: 10.2.1.0/24, ipv6: "fd79:2de7:db86::/64" } ] #!\n']), message: 'overlaps `routers.r1.lan[0].ipv6`', path: 'routers.r2.lan[0].ipv6' },
  { name: 'two LANs of one router do not overlap', text: edit(BASE, [R1_LAN, `${R1_LAN}      - { device: eth2, ipv4: 10.2.0.0/16 } #!\n`]), message: 'overlaps `routers.r1.lan[0].ipv4`', path: 'routers.r1.lan[1].ipv4' },
  { name: 'a LAN does not overlap a mesh pool', text: edit(BASE, ['        ipv4: 10.2.0.0/24\n', '        ipv4: 10.1.0.0/24 #!\n']), message: 'overlaps the mesh pool `addressing.tunnel_ipv4` (10.1.0.0/24)', path: 'routers.r1.lan[0].ipv4' },
  { name: 'an IPv6 LAN does not overlap an IPv6 pool', text: edit(BASE, ['        ipv6: "fd79:2de7:db86::/64"\n', '        ipv6: "fd00:0:1:1::/64" #!\n']), message: 'overlaps the mesh pool `addressing.loopback_ipv6`', path: 'routers.r1.lan[0].ipv6' },
  { name: 'an IPv6 LAN is ULA', text: edit(BASE, ['        ipv6: "fd79:2de7:db86::/64"\n', '        ipv6: "2001:db8::/64" #!\n']), message: 'is not a ULA prefix', path: 'routers.r1.lan[0].ipv6' },
  { name: 'an IPv6 LAN is a /64', text: edit(BASE, ['        ipv6: "fd79:2de7:db86::/64"\n', '        ipv6: "fd79:2de7:db86::/56" #!\n']), message: 'must be a /64', path: 'routers.r1.lan[0].ipv6' },
  { name: 'a LAN is given by its network address', text: edit(BASE, ['        ipv4: 10.2.0.0/24\n', '        ipv4: 10.2.0.1/24 #!\n']), message: 'has host bits set: write the network address `10.2.0.0/24`', path: 'routers.r1.lan[0].ipv4' },
  { name: 'a LAN holds the router and a host', text: edit(BASE, ['        ipv4: 10.2.0.0/24\n', '        ipv4: 10.2.0.0/31 #!\n']), message: 'is too small for a LAN', path: 'routers.r1.lan[0].ipv4' },
  { name: 'a device is used once per router', text: edit(BASE, ['      - device: eth1\n', '      - device: eth0 #!\n']), message: 'device `eth0` is already used by wan[0] of this router', path: 'routers.r1.lan[0].device' },
  { name: 'a WAN gateway needs a static address', text: edit(BASE, ['    wan: [ { device: eth0 } ]\n    lan:', '    wan: [ { device: eth0, gateway_ipv4: 192.0.2.1 } ] #!\n    lan:']), message: 'a gateway needs a static `ipv4`', path: 'routers.r1.wan[0].gateway_ipv4' },
  { name: 'a WAN address is not the network address', text: edit(BASE, ['ipv4: 203.0.113.2/24, gateway_ipv4: 203.0.113.1 } ]\n', 'ipv4: 203.0.113.0/24, gateway_ipv4: 203.0.113.1 } ] #!\n']), message: 'is the network or broadcast address of 203.0.113.0/24', path: 'routers.r2.wan[0].ipv4' },
  { name: 'a WAN IPv6 address must parse', text: edit(BASE, ['    wan: [ { device: eth0 } ]\n    lan:', '    wan: [ { device: eth0, ipv6: "2001:db8::1::2/64" } ] #!\n    lan:']), message: 'is not a valid IPv6 address with prefix length', path: 'routers.r1.wan[0].ipv6' },
  // DHCP and leases
  { name: 'an explicit DHCP start fits the subnet', text: edit(BASE, [R1_LAN, `${R1_LAN}        dhcp: { start: 300 } #!\n`]), message: 'DHCP start 300 does not fit the subnet: it must be between 2 and 254', path: 'routers.r1.lan[0].dhcp.start' },
  { name: 'an explicit DHCP limit fits the subnet', text: edit(BASE, [R1_LAN, `${R1_LAN}        dhcp: { limit: 200 } #!\n`]), message: 'the DHCP range 100..299 (start 100, the default, limit 200) does not fit the subnet', path: 'routers.r1.lan[0].dhcp.limit' },
  { name: 'an explicit DHCP range fits a small subnet', text: edit(BASE, ['        ipv4: 10.2.0.0/24\n', '        ipv4: 10.2.0.0/28\n'], [R1_LAN.replace('/24', '/28'), `${R1_LAN.replace('/24', '/28')}        dhcp: { start: 10, limit: 6 } #!\n`]), message: 'the DHCP range 10..15', path: 'routers.r1.lan[0].dhcp.limit' },
  { name: 'a lease host lies inside the subnet', text: withLeases('          - { mac: "52:54:00:5a:bf:0b", host: 255, name: s1 } #!\n'), message: 'host 255 is not inside the subnet 10.2.0.0/24: the host part must be between 2 and 254', path: 'routers.r1.lan[0].leases[0].host' },
  { name: 'two MAC leases may not share a host part', text: withLeases('          - { mac: "52:54:00:5a:bf:0b", host: 2, name: s1 }\n          - { mac: "52:54:00:5a:bf:0c", host: 2, name: s2 } #!\n'), message: 'duplicate host part: host 2 is already given to routers.r1.lan[0].leases[0]', path: 'routers.r1.lan[0].leases[1].host' },
  { name: 'two DUID leases may not share a host part', text: withLeases('          - { duid: "0001", host: 7, name: s1 }\n          - { duid: "0002", host: 7, name: s2 } #!\n'), message: 'duplicate host part: host 7', path: 'routers.r1.lan[0].leases[1].host' },
  { name: 'a lease name appears once per family on a router', text: edit(BASE, [R1_LAN, `${R1_LAN}        leases: [ { mac: "52:54:00:5a:bf:0b", host: 2, name: s1 } ]\n      - device: eth2\n        ipv4: 10.2.5.0/24\n        leases: [ { mac: "52:54:00:5a:bf:0c", host: 3, name: s1 } ] #!\n`]), message: 'duplicate lease name `s1`: already used by the MAC (IPv4) lease routers.r1.lan[0].leases[0]', path: 'routers.r1.lan[1].leases[0].name' },
  { name: 'a MAC has one lease per LAN', text: withLeases('          - { mac: "52:54:00:5a:bf:0b", host: 2, name: s1 }\n          - { mac: "52:54:00:5A:BF:0B", host: 3, name: s2 } #!\n'), message: 'duplicate MAC', path: 'routers.r1.lan[0].leases[1].mac' },
  { name: 'a DUID lease needs an IPv6 LAN', text: edit(BASE, ['        ipv6: "fd79:2de7:db86::/64"\n', '        leases: [ { duid: "0001", host: 2, name: s1 } ] #!\n']), message: 'a DUID lease gives an IPv6 address, but this LAN has no `ipv6` subnet', path: 'routers.r1.lan[0].leases[0].duid' },
  // links
  { name: 'a link joins two different routers', text: edit(BASE, ['  - [r1, r2]\n', '  - [r1, r2]\n  - [r2, r2] #!\n']), message: 'links router `r2` to itself', path: 'links[1]' },
  { name: 'a pair is linked once, in any order', text: edit(BASE, ['  - [r1, r2]\n', '  - [r1, r2]\n  - { routers: [r2, r1], cost: 5 } #!\n']), message: 'duplicate link r2–r1: the pair is already linked by links[0]', path: 'links[1]' },
  { name: 'a link names existing routers', text: edit(BASE, ['  - [r1, r2]\n', '  - [r1, r2]\n  - [r2, r9] #!\n']), message: 'unknown router `r9`', path: 'links[1][1]' },
  { name: 'a long-form link names existing routers', text: edit(BASE, ['  - [r1, r2]\n', '  - routers: [r1, r2]\n    cost: 5\n  - routers:\n      - r2\n      - r7 #!\n']), message: 'unknown router `r7`', path: 'links[1].routers[1]' },
  { name: 'at least one side of a link is dialable', text: edit(BASE, ['    endpoint: 203.0.113.2\n', ''], ['  - [r1, r2]\n', '  - [r1, r2] #!\n']), message: 'neither `r1` nor `r2` is dialable', path: 'links[0]' },
  { name: "a link's endpoints name only its own routers", text: withR3('', '  - [r1, r2]\n  - routers: [r1, r3]\n    endpoints:\n      r2: 192.168.1.2 #!\n'), message: '`r2` is not one of this link\'s routers (r1, r3)', path: 'links[1].endpoints.r2' },
  { name: "a link's endpoint must parse", text: edit(BASE, ['  - [r1, r2]\n', '  - routers: [r1, r2]\n    endpoints: { r2: "[fd00::1::2]:51820" } #!\n']), message: 'in brackets is not a valid IPv6 address', path: 'links[0].endpoints.r2' },
  // services
  { name: 'a service listens on existing routers', text: withServices('  - { name: web, routers: [r2, r8], listen: ["80"], upstreams: ["10.2.0.5:80"] } #!\n'), message: 'unknown router `r8`', path: 'services[0].routers[1]' },
  { name: 'service names are unique', text: withServices('  - { name: web, routers: [r2], listen: ["80"], upstreams: ["10.2.0.5:80"] }\n  - { name: web, routers: [r2], listen: ["81"], upstreams: ["10.2.0.5:81"] } #!\n'), message: 'duplicate service name `web`: already used by services[0]', path: 'services[1].name' },
  { name: 'proxy_protocol is tcp only', text: withServices('  - name: game\n    protocol: udp\n    proxy_protocol: true #!\n    routers: [r2]\n    listen: ["27015"]\n    upstreams: ["10.2.0.5:27015"]\n'), message: 'the PROXY protocol works with tcp only: this service is udp', path: 'services[0].proxy_protocol' },
  { name: 'a port listen and an address listen of one family conflict', text: withServices('  - { name: web, routers: [r2], listen: ["80", "203.0.113.2:80"], upstreams: ["10.2.0.5:80"] } #!\n'), message: '`203.0.113.2:80` (tcp) conflicts on router `r2` with `services[0].listen[0]` of service `web`', path: 'services[0].listen[1]' },
  { name: 'two services may not listen on the same port of a router', text: withServices('  - { name: web, routers: [r2], listen: ["[::]:443"], upstreams: ["10.2.0.5:443"] }\n  - { name: web2, routers: [r1, r2], listen: ["[2001:db8::2]:443"], upstreams: ["10.2.0.6:443"] } #!\n'), message: 'conflicts on router `r2` with `services[0].listen[0]` of service `web`: the same tcp port 443 on overlapping IPv6 addresses', path: 'services[1].listen[0]' },
  { name: 'a udp service may not take the WireGuard port', text: withServices('  - { name: wg, protocol: udp, routers: [r2], listen: ["51820"], upstreams: ["10.2.0.5:51820"] } #!\n'), message: "udp port 51820 is WireGuard's port", path: 'services[0].listen[0]' },
  { name: 'a udp service may not take the VXLAN port', text: withServices('  - { name: vx, protocol: udp, routers: [r2], listen: ["0.0.0.0:4789"], upstreams: ["10.2.0.5:4789"] } #!\n'), message: 'udp port 4789 is the VXLAN port', path: 'services[0].listen[0]' },
  { name: 'the nginx status port does not clash with a service port', text: withServices('  - { name: web, routers: [r2], listen: ["8080"], upstreams: ["10.2.0.5:80"] }\n', 'monitoring:\n  nginx_status_port: 8080 #!\n'), message: 'nginx status port 8080 clashes with a listen port of service `web`', path: 'monitoring.nginx_status_port' },
  { name: 'an upstream IPv6 literal is in brackets', text: withServices('  - { name: web, routers: [r2], listen: ["80"], upstreams: ["fd79:2de7:db86::5:80"] } #!\n'), message: 'an IPv6 address must be written in brackets', path: 'services[0].upstreams[0]' },
  { name: 'an upstream needs a port', text: withServices('  - { name: web, routers: [r2], listen: ["80"], upstreams: ["s1.r1.lan"] } #!\n'), message: 'is not a valid upstream', path: 'services[0].upstreams[0]' },
  // OSPF, DNS, admin, secrets
  { name: 'ospf dead is greater than hello', text: edit(BASE, ['links:', 'ospf:\n  hello: 4\n  dead: 4 #!\nlinks:']), message: 'the dead interval (4 s) must be greater than the hello interval (4 s)', path: 'ospf.dead' },
  { name: 'ospf hello below the default dead', text: edit(BASE, ['links:', 'ospf:\n  hello: 5 #!\nlinks:']), message: 'the hello interval (5 s) must be less than the dead interval (4 s, the default)', path: 'ospf.hello' },
  { name: 'a DNS upstream is a valid address', text: edit(BASE, ['links:', 'dns: { upstream: ["2620:fe::fe::1"] } #!\nlinks:']), message: 'is not a valid IPv4 or IPv6 address', path: 'dns.upstream[0]' },
  { name: 'a DNS record address is valid', text: edit(BASE, ['links:', 'dns:\n  records:\n    - { name: nas.example.com, address: "fd00::1::1" } #!\nlinks:']), message: 'is not a valid IPv4 or IPv6 address', path: 'dns.records[0].address' },
  { name: 'a CNAME needs a target', text: edit(BASE, ['links:', 'dns:\n  records:\n    - { name: www.example.com, type: CNAME } #!\nlinks:']), message: 'a CNAME record needs `target`', path: 'dns.records[0]' },
  { name: 'an SRV needs a port', text: edit(BASE, ['links:', 'dns:\n  records:\n    - { name: _sip._tcp.example.com, type: SRV, target: sip.example.com } #!\nlinks:']), message: 'a SRV record needs `port`', path: 'dns.records[0]' },
  { name: 'a field of another type is refused', text: edit(BASE, ['links:', 'dns:\n  records:\n    - { name: mail.example.com, type: MX, target: mx.example.com, port: 25 } #!\nlinks:']), message: '`port` does not belong to a MX record', path: 'dns.records[0].port' },
  { name: 'a CNAME name has no other record', text: edit(BASE, ['links:', 'dns:\n  records:\n    - { name: www.example.com, type: CNAME, target: nas.example.com } #!\n    - { name: www.example.com, address: 10.2.0.5 }\nlinks:']), message: 'has a CNAME record and other records', path: 'dns.records[0].name' },
  { name: 'a CNAME name has one CNAME', text: edit(BASE, ['links:', 'dns:\n  records:\n    - { name: www.example.com, type: CNAME, target: a.example.com }\n    - { name: www.example.com, type: CNAME, target: b.example.com } #!\nlinks:']), message: 'has a second CNAME record (first at dns.records[0])', path: 'dns.records[1].name' },
  { name: 'an SRV record is not repeated', text: edit(BASE, ['links:', 'dns:\n  records:\n    - { name: _sip._tcp.example.com, type: SRV, target: sip.example.com, port: 5060 }\n    - { name: _sip._tcp.example.com, type: SRV, target: sip.example.com, port: 5060 } #!\nlinks:']), message: 'duplicate of dns.records[0]', path: 'dns.records[1]' },
  { name: 'an SSH key blob matches its type', text: edit(BASE, ['links:', `admin:\n  ssh_keys: ["${SSH_KEY.replace('ssh-ed25519', 'ssh-rsa')}"] #!\nlinks:`]), message: 'is not a valid ssh-rsa key: the key data is of type ssh-ed25519', path: 'admin.ssh_keys[0]' },
  { name: 'an SSH key is valid base64', text: edit(BASE, ['links:', 'admin:\n  ssh_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBkGqkp0bnGkSGrWhHPZ8JzT0pP8gJvv7JdQ9lJdQ7J admin"] #!\nlinks:']), message: 'its key part is not valid base64', path: 'admin.ssh_keys[0]' },
  { name: 'an SSH key comment holds no WireGuard key', text: edit(BASE, ['links:', `admin:\n  ssh_keys: ["${SSH_KEY} wg=${KEY.r3}"] #!\nlinks:`]), message: 'has a comment that holds what looks like a WireGuard key', path: 'admin.ssh_keys[0]' },
  { name: 'an SSH key comment holds no password', text: edit(BASE, ['links:', `admin:\n  ssh_keys: ["${SSH_KEY} password=hunter22"] #!\nlinks:`]), message: 'has a comment that looks like it holds a secret', path: 'admin.ssh_keys[0]' },
  { name: 'a private key in a comment', text: edit(BASE, ['    id: 1\n', `    id: 1\n    # private key: ${KEY.r4} #!\n`]), message: 'this comment holds what looks like a WireGuard private or preshared key', path: '' },
  { name: 'a wg-quick PrivateKey line in a comment', text: edit(BASE, ['links:', `# PrivateKey = ${KEY.r4} #!\nlinks:`]), message: 'holds a WireGuard private or preshared key', path: '' },
  { name: 'a password in a comment', text: edit(BASE, ['links:', '# router admin password: Hunter2! #!\nlinks:']), message: 'looks like it holds a secret', path: '' },
];

for (const c of cases) {
  test(`rule: ${c.name}`, async () => {
    await expectOnlyError(c.text, { message: c.message, path: c.path, line: markedLine(c.text) });
  });
}

// The other side of each rule: what the format explicitly allows must pass.
const allowed: { name: string; text: string }[] = [
  { name: 'the same name once per family is one host', text: withLeases('          - { mac: "52:54:00:5a:bf:0b", host: 2, name: s1 }\n          - { duid: "00010001265c6a195254005abf0b", host: 2, name: s1 }\n') },
  { name: 'a lease inside the dynamic range', text: withLeases('          - { mac: "52:54:00:5a:bf:0b", host: 120, name: s1 }\n') },
  { name: 'an enlarged transit pool holds high ids', text: edit(BASE, ['links:', 'addressing: { transit_ipv4: 172.16.0.0/14 }\nlinks:'], ['    id: 1\n', '    id: 64\n'], ['    id: 2\n', '    id: 65\n']) },
  { name: 'IPv4 and IPv6 listens on the same port', text: withServices('  - { name: web, routers: [r2], listen: ["80", "[::]:80"], upstreams: ["10.2.0.5:80"] }\n') },
  { name: 'the same port on different routers', text: withServices('  - { name: a, routers: [r1], listen: ["80"], upstreams: ["10.2.0.5:80"] }\n  - { name: b, routers: [r2], listen: ["80"], upstreams: ["10.2.0.6:80"] }\n') },
  { name: 'the same port for tcp and udp', text: withServices('  - { name: a, routers: [r2], listen: ["53"], upstreams: ["10.2.0.5:53"] }\n  - { name: b, protocol: udp, routers: [r2], listen: ["53"], upstreams: ["10.2.0.5:53"] }\n') },
  { name: 'two different addresses on one port', text: withServices('  - { name: a, routers: [r2], listen: ["203.0.113.2:80"], upstreams: ["10.2.0.5:80"] }\n  - { name: b, routers: [r2], listen: ["203.0.113.3:80"], upstreams: ["10.2.0.6:80"] }\n') },
  { name: 'link endpoints make a NAT-only pair dialable', text: edit(BASE, ['    endpoint: 203.0.113.2\n', ''], ['  - [r1, r2]\n', '  - routers: [r1, r2]\n    endpoints: { r2: "192.168.1.3:51821" }\n']) },
  { name: 'WAN addresses may overlap LANs and pools', text: edit(BASE, ['ipv4: 203.0.113.2/24, gateway_ipv4: 203.0.113.1', 'ipv4: 10.2.0.7/24, gateway_ipv4: 10.2.0.1']) },
  { name: 'an IPv4-only LAN, DHCP off, no links key for a lone router', text: `version: 1\nrouters:\n  solo:\n    id: 1\n    public_key: ${KEY.r1}\n    wan: [ { device: wan } ]\n    lan: [ { device: br-lan, ipv4: 192.168.50.0/24, dhcp: false } ]\n` },
  { name: 'a host-name endpoint with a port, and an [IPv6] endpoint', text: edit(BASE, ['    endpoint: 203.0.113.2\n', '    endpoint: vpn.example.net:51821\n'], ['  - [r1, r2]\n', '  - routers: [r1, r2]\n    endpoints: { r2: "[2001:db8::2]:51820" }\n']) },
  { name: 'a comment that talks about private keys without holding one', text: edit(BASE, ['links:', '# The private key: never leaves the router.\nlinks:']) },
];

for (const c of allowed) {
  test(`allowed: ${c.name}`, async () => {
    const r = await load(c.text);
    assert.ok(r.ok, r.ok ? '' : describe(r.diagnostics));
  });
}

test('warning: a router without links in a mesh of several is isolated, not an error', async () => {
  const text = edit(BASE, ['links:\n  - [r1, r2]\n', `${R3()}links:\n  - [r1, r2]\n`]);
  const r = await load(text);
  assert.ok(r.ok, r.ok ? '' : describe(r.diagnostics));
  assert.deepEqual(r.warnings.map((w) => [w.path, w.line, w.message]), [
    ['routers.r3', text.split('\n').indexOf('  r3:') + 1, 'router `r3` has no links: it is isolated from the rest of the mesh'],
  ]);
});

test('warning: an upstream in the zone of a router that does not exist', async () => {
  const r = await load(withServices('  - { name: web, routers: [r2], listen: ["80"], upstreams: ["s1.r7.lan:80"] }\n'));
  assert.ok(r.ok);
  assert.equal(r.warnings.length, 1);
  assert.equal(r.warnings[0]!.path, 'services[0].upstreams[0]');
  assert.match(r.warnings[0]!.message, /zone of router `r7`, which does not exist/);
});

test('warning: SSH from the WAN without keys cannot be made key-only', async () => {
  const r = await load(edit(BASE, ['links:', 'admin:\n  ssh_from_wan: true\nlinks:']));
  assert.ok(r.ok);
  assert.deepEqual(r.warnings.map((w) => [w.path, w.line]), [['admin.ssh_from_wan', 17]]);
  assert.match(r.warnings[0]!.message, /without `admin.ssh_keys`/);
});

test('warning: BFD timers that detect no sooner than the OSPF dead interval', async () => {
  const r = await load(edit(BASE, ['links:', 'ospf: { dead: 4, bfd_interval: 1000 }\nlinks:']));
  assert.ok(r.ok, r.ok ? '' : describe(r.diagnostics));
  assert.deepEqual(r.warnings.map((w) => [w.path, w.message]), [['ospf.bfd_interval', 'BFD detects a dead link after 5000 ms (bfd_interval × bfd_multiplier), not before the OSPF dead interval (4 s): BFD would add nothing; shorten it']]);
  const fine = await load(edit(BASE, ['links:', 'ospf: { bfd_interval: 300, bfd_multiplier: 5 }\nlinks:']));
  assert.ok(fine.ok);
  assert.deepEqual(fine.warnings, []);
  // A link's own timers: its multiplier times the mesh-wide interval (300 ms × 20 = 6 s ≥ 4 s).
  const link = await load(edit(BASE, ['links:\n  - [r1, r2]', 'ospf: { bfd_interval: 300 }\nlinks:\n  - { routers: [r1, r2], bfd_multiplier: 20 }']));
  assert.ok(link.ok, link.ok ? '' : describe(link.diagnostics));
  assert.deepEqual(link.warnings.map((w) => [w.path, w.message]), [['links[0].bfd_multiplier', 'BFD detects a dead link after 6000 ms (bfd_interval × bfd_multiplier), not before the OSPF dead interval (4 s): BFD would add nothing; shorten it']]);
  const linkFine = await load(edit(BASE, ['  - [r1, r2]', '  - { routers: [r1, r2], bfd_interval: 200, bfd_multiplier: 10 }']));
  assert.deepEqual(linkFine.ok && linkFine.warnings, []);
});

test('warning: a VXLAN MTU that does not fit inside the WireGuard MTU', async () => {
  const r = await load(edit(BASE, ['links:', 'wireguard: { mtu: 1400 }\nlinks:']));
  assert.ok(r.ok);
  assert.deepEqual(r.warnings.map((w) => w.path), ['wireguard.mtu']);
});
