// Builds the physical lab: namespaces, the internet bridge, the two NAT'ing home routers with
// their DHCP servers, the routers' holders (private mount namespace each) and WAN/LAN wiring,
// the servers with their DHCP clients and echo service, and the git daemon. Every step checks
// what exists first, so running it on a running lab changes nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alivePid, ensureDaemon } from './daemons.ts';
import { inHolder, inNs, must, run, waitFor } from './run.ts';
import { writeLabServiceTable } from './service-table.ts';
import {
  ALL_NAMESPACES, CLIENT, ECHO_TCP_PORT, ECHO_UDP_PORT, HOMES, INTERNET, LAB_DIR, R3_HOME_ADDRESS, ROUTERS, SERVERS,
  paths, type HomeRouter, type LabRouter, type LabServer,
} from './topology.ts';

const SCRIPTS = fileURLToPath(new URL('./scripts/', import.meta.url));

export function existingNamespaces(): Set<string> {
  const out = run(['ip', '-j', 'netns', 'list']);
  if (out.code !== 0 || !out.stdout.trim()) return new Set();
  return new Set((JSON.parse(out.stdout) as { name: string }[]).map((n) => n.name));
}

function linkExists(ns: string, name: string): boolean {
  return run(['ip', '-n', ns, 'link', 'show', 'dev', name]).code === 0;
}

function sysctl(ns: string, ...kv: string[]): void {
  must(inNs(ns, ['sysctl', '-q', '-w', ...kv]));
}

/** A veth pair `aName` in `aNs` — `bName` in `bNs`, unless `aName` exists already. */
function veth(aNs: string, aName: string, bNs: string, bName: string, mac?: string): void {
  if (linkExists(aNs, aName)) return;
  must(['ip', '-n', aNs, 'link', 'add', aName, ...(mac ? ['address', mac] : []), 'type', 'veth', 'peer', 'name', bName, 'netns', bNs]);
}

function bridge(ns: string, name: string): void {
  if (!linkExists(ns, name)) must(['ip', '-n', ns, 'link', 'add', name, 'type', 'bridge']);
  must(['ip', '-n', ns, 'link', 'set', name, 'up']);
}

function port(ns: string, dev: string, br: string): void {
  must(['ip', '-n', ns, 'link', 'set', dev, 'master', br, 'up']);
}

function address(ns: string, dev: string, cidr: string): void {
  must(['ip', '-n', ns, 'addr', 'replace', cidr, 'dev', dev]);
}

function up(ns: string, dev: string): void {
  must(['ip', '-n', ns, 'link', 'set', dev, 'up']);
}

function namespaces(): void {
  const have = existingNamespaces();
  for (const ns of ALL_NAMESPACES) {
    if (!have.has(ns)) must(['ip', 'netns', 'add', ns]);
    up(ns, 'lo');
  }
}

function internet(): void {
  bridge(INTERNET.ns, INTERNET.bridge);
  address(INTERNET.ns, INTERNET.bridge, `${INTERNET.address}/${INTERNET.prefix}`);
  veth(CLIENT.ns, 'eth0', INTERNET.ns, 'p-client');
  port(INTERNET.ns, 'p-client', INTERNET.bridge);
  address(CLIENT.ns, 'eth0', `${CLIENT.address}/24`);
  up(CLIENT.ns, 'eth0');
}

/** nft ruleset of a home router: masquerade the LAN, forward nothing inbound (no port forwards). */
function homeRuleset(): string {
  return [
    'table inet lab_home {}',
    'delete table inet lab_home',
    'table inet lab_home {',
    '  chain nat_out { type nat hook postrouting priority srcnat; oifname "eth0" masquerade; }',
    '  chain forward_filter {',
    '    type filter hook forward priority filter; policy drop;',
    '    ct state established,related accept',
    '    iifname "br0" accept',
    '  }',
    '  chain input_filter {',
    '    type filter hook input priority filter; policy drop;',
    '    ct state established,related accept',
    '    iifname { "lo", "br0" } accept',
    '    icmp type echo-request accept',
    '  }',
    '}',
    '',
  ].join('\n');
}

function home(h: HomeRouter): void {
  veth(h.ns, 'eth0', INTERNET.ns, `p-${h.name}`);
  port(INTERNET.ns, `p-${h.name}`, INTERNET.bridge);
  address(h.ns, 'eth0', `${h.wan}/24`);
  up(h.ns, 'eth0');
  bridge(h.ns, 'br0');
  address(h.ns, 'br0', `${h.lanAddress}/24`);
  sysctl(h.ns, 'net.ipv4.ip_forward=1');
  const dir = paths.homeDir(h.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'nft.conf'), homeRuleset());
  must(inNs(h.ns, ['nft', '-f', join(dir, 'nft.conf')]));
  const r3 = ROUTERS.find((r) => r.name === 'r3')!;
  ensureDaemon(`dnsmasq-${h.name}`, inNs(h.ns, [
    'dnsmasq', '--keep-in-foreground', '--conf-file=/dev/null', '--user=root', '--group=root',
    '--port=0', '--interface=br0', '--bind-interfaces', '--except-interface=lo',
    '--dhcp-range=192.168.1.100,192.168.1.199,12h', `--dhcp-leasefile=${join(dir, 'leases')}`,
    `--pid-file=${join(dir, 'dnsmasq.pid')}`, '--dhcp-authoritative', '--log-dhcp',
    ...(h.name === 'h2' ? [`--dhcp-host=${r3.wanMac},${R3_HOME_ADDRESS}`] : []),
  ]));
}

/** The holder: a sleeping process owning the router's mount namespace with a private /run. */
export function ensureHolder(r: LabRouter): number {
  const running = alivePid(`holder-${r.name}`);
  const pid = running ?? ensureDaemon(`holder-${r.name}`, inNs(r.ns, ['unshare', '-m', '--propagation', 'private', '--', 'sleep', 'infinity']));
  // unshare has run once sleep is the program of that pid
  waitForSync(() => run(['cat', `/proc/${pid}/comm`]).stdout.trim() === 'sleep', `holder of ${r.name}`);
  const src = run(inHolder(pid, ['findmnt', '-n', '-o', 'SOURCE', '/run'])).stdout.trim();
  if (src !== 'dlan-lab-run') {
    must(inHolder(pid, ['mount', '-t', 'tmpfs', '-o', 'mode=0755', 'dlan-lab-run', '/run']));
  }
  must(inHolder(pid, ['mkdir', '-p', '/run/wireguard', '/run/bird', '/run/dnsmasq', '/run/nginx']));
  // Like a real router, the router resolves through its own dnsmasq (on its loopback), e.g. for
  // nginx upstreams given by name (s1.r1.lan); the host's resolv.conf stays untouched.
  mkdirSync(paths.routerDir(r.name), { recursive: true });
  const resolv = join(paths.routerDir(r.name), 'resolv.conf');
  writeFileSync(resolv, `nameserver 10.1.1.${r.name.slice(1)}\n`);
  if (run(inHolder(pid, ['findmnt', '-n', '/etc/resolv.conf'])).code !== 0) {
    must(inHolder(pid, ['mount', '--bind', resolv, '/etc/resolv.conf']));
  }
  return pid;
}

function waitForSync(ok: () => boolean, what: string, timeoutMs = 5000): void {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
}

function routerWiring(r: LabRouter): void {
  const holder = ensureHolder(r);
  writeLabServiceTable(r);
  if (r.home) {
    const h = HOMES.find((x) => x.name === r.home)!;
    veth(r.ns, 'eth0', h.ns, `p-${r.name}`, r.wanMac);
    port(h.ns, `p-${r.name}`, 'br0');
    up(r.ns, 'eth0');
    ensureDaemon(`udhcpc-${r.name}`, inHolder(holder, [
      'busybox', 'udhcpc', '-f', '-i', 'eth0', '-t', '3', '-T', '1', '-A', '2',
      '-s', join(SCRIPTS, 'udhcpc-event.sh'), '-x', `hostname:${r.name}`,
    ]));
  } else {
    veth(r.ns, 'eth0', INTERNET.ns, `p-${r.name}`, r.wanMac);
    port(INTERNET.ns, `p-${r.name}`, INTERNET.bridge);
    up(r.ns, 'eth0');
    // A cloud VM has its address from the provider before dlan runs; the config states the same.
    address(r.ns, 'eth0', `${r.publicAddress}/24`);
    must(['ip', '-n', r.ns, 'route', 'replace', 'default', 'via', INTERNET.address]);
  }
  if (r.servers.length > 0) bridge(r.ns, 'eth1');
}

function serverSetup(s: LabServer): void {
  const dir = paths.serverDir(s.name);
  mkdirSync(dir, { recursive: true });
  const fresh = !linkExists(s.ns, 'eth0');
  veth(s.ns, 'eth0', ROUTERS.find((r) => r.name === s.router)!.ns, `lan-${s.name}`, s.mac);
  port(ROUTERS.find((r) => r.name === s.router)!.ns, `lan-${s.name}`, 'eth1');
  if (fresh) sysctl(s.ns, 'net.ipv6.conf.eth0.accept_dad=0', 'net.ipv6.conf.eth0.accept_ra=2');
  up(s.ns, 'eth0');
  if (s.staticIpv4) address(s.ns, 'eth0', `${s.staticIpv4}/32`);
  ensureDaemon(`udhcpc-${s.name}`, inNs(s.ns, [
    'busybox', 'udhcpc', '-f', '-i', 'eth0', '-t', '3', '-T', '1', '-A', '2',
    '-s', join(SCRIPTS, 'udhcpc-event.sh'), '-x', `hostname:${s.name}`,
  ]));
  const duid = s.duid.match(/../g)!.join(':');
  writeFileSync(join(dir, 'dhclient6.conf'), `send dhcp6.client-id ${duid};\nsend fqdn.fqdn "${s.name}";\n`);
  ensureDaemon(`dhclient6-${s.name}`, inNs(s.ns, [
    'dhclient', '-6', '-d', '-cf', join(dir, 'dhclient6.conf'), '-lf', join(dir, 'dhclient6.leases'),
    '-pf', join(dir, 'dhclient6.pid'), '-sf', join(SCRIPTS, 'dhclient6-event.sh'), 'eth0',
  ]));
  ensureDaemon(`echo-${s.name}`, inNs(s.ns, [process.execPath, join(SCRIPTS, 'echo-server.mjs'), s.name, String(ECHO_TCP_PORT), String(ECHO_UDP_PORT), s.staticIpv4 ?? '']));
}

function gitServer(): void {
  mkdirSync(paths.git, { recursive: true });
  ensureDaemon('git-daemon', inNs(INTERNET.ns, [
    'git', 'daemon', '--reuseaddr', '--export-all', `--base-path=${paths.git}`,
    `--listen=${INTERNET.address}`, '--port=9418', paths.git,
  ]));
}

/** Brings the physical lab up (idempotent). The dlan side comes later, from the config repo. */
export async function buildLab(log: (m: string) => void = () => {}): Promise<void> {
  mkdirSync(LAB_DIR, { recursive: true });
  log('namespaces and internet bridge');
  namespaces();
  internet();
  for (const h of HOMES) home(h);
  log('routers (holders, WAN, LAN bridges)');
  for (const r of ROUTERS) routerWiring(r);
  log('servers (DHCP clients, echo service)');
  for (const s of SERVERS) serverSetup(s);
  gitServer();
  log('waiting for the routers behind NAT to lease their WAN address');
  for (const r of ROUTERS.filter((x) => x.home)) {
    await waitFor(`DHCP lease on ${r.name} eth0`, 30_000, () => routerWanAddress(r) ?? undefined);
  }
  const r3 = routerWanAddress(ROUTERS.find((r) => r.name === 'r3')!);
  if (r3 !== R3_HOME_ADDRESS) throw new Error(`r3 leased ${r3}, expected the static lease ${R3_HOME_ADDRESS}`);
}

/** The router's IPv4 address on eth0, or null. */
export function routerWanAddress(r: LabRouter): string | null {
  const out = run(['ip', '-n', r.ns, '-j', '-4', 'addr', 'show', 'dev', 'eth0']);
  if (out.code !== 0) return null;
  const info = JSON.parse(out.stdout) as { addr_info: { local: string; scope: string }[] }[];
  return info[0]?.addr_info.find((a) => a.scope === 'global')?.local ?? null;
}
