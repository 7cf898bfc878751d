// The interface reconciler's pure half: from the desired state, the current state of the namespace
// (current-net-state.ts) and what dlan owns (the ledger), the minimal list of `ip`/`wg` commands.
// Nothing that is already right is touched: an address present stays, a device whose attributes
// match stays; a VXLAN device is recreated only when an attribute the kernel can not change in
// place (VNI, endpoints, underlying device, port) differs.
import type { Difference } from '../backend.ts';
import type { DesiredState, LinkSlice, WireguardPeer } from '../../slice/desired-state.ts';
import { addressFamily, canonicalAddress } from '../../base/address-arithmetic.ts';
import { safeAddress, safeCidr, safeHost, safeInt, safeInterface, safeMac, UnsafeValueError } from '../../base/safe-token.ts';
import type { LinkSecrets } from '../../secrets/open-link-secrets.ts';
import type { CurrentLink, CurrentNetState, WireguardNow } from './current-net-state.ts';
import type { NetOwnership, OwnedAddress, OwnedRoute } from './net-ownership.ts';

/**
 * One command; `createWireguard` means "ip link add type wireguard, else start wireguard-go".
 * `input` goes to the command's stdin (preshared keys: never on a command line, in a file or a log);
 * `sysctl` writes one value below /proc/sys of the current network namespace.
 */
export type NetCommand = { argv: string[]; input?: string } | { createWireguard: string } | { sysctl: string; value: string };

export interface NetStep {
  change: Difference;
  commands: NetCommand[];
}

export interface NetPlan {
  steps: NetStep[];
  /** Ownership once the steps have run (written to the ledger). */
  ownership: NetOwnership;
}

export interface WireguardKey {
  /** Path of the key file as on this machine (passed to `wg set … private-key`). */
  path: string;
  /** The key itself: compared with `wg show dump`, never printed. */
  privateKey: string;
}

export class InterfacePlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InterfacePlanError';
  }
}

const VXLAN_NAME = /^dlan_vx[0-9]+$/;
const WG_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

function safeWgKey(key: string): string {
  if (!WG_KEY.test(key)) throw new UnsafeValueError('WireGuard public key', key);
  return key;
}

function ipArgs(cidr: string): string[] {
  return cidr.includes(':') ? ['-6'] : ['-4'];
}

function endpointText(e: { host: string; port: number }): string {
  const host = safeHost(e.host);
  return `${host.includes(':') ? `[${host}]` : host}:${safeInt(e.port, 1, 65535)}`;
}

/** Canonical `addr:port` of an endpoint whose host is an IP literal, else null. */
function literalEndpoint(text: string): string | null {
  const m = /^\[?([^\]]+?)\]?:([0-9]+)$/.exec(text);
  if (!m || addressFamily(m[1]!) === null) return null;
  const a = canonicalAddress(m[1]!);
  return `${a.includes(':') ? `[${a}]` : a}:${Number(m[2])}`;
}

class Planner {
  readonly steps: NetStep[] = [];
  readonly ownedAddresses: OwnedAddress[] = [];

  constructor(private readonly before: NetOwnership) {}

  add(kind: string, target: string, op: Difference['op'], detail: string, commands: NetCommand[]): void {
    this.steps.push({ change: { kind, target, op, detail }, commands });
  }

  /**
   * Addresses on a device dlan did not create: add what is missing, remove only what dlan added
   * before and no longer wants. An address that was already there is never claimed.
   */
  foreignDeviceAddresses(link: CurrentLink | undefined, device: string, desired: string[]): void {
    const present = new Set(link?.addresses ?? []);
    const ownedBefore = new Set(this.before.addresses.filter((a) => a.device === device).map((a) => a.cidr));
    for (const cidr of desired) {
      if (!present.has(cidr)) this.add('address', `address ${cidr} dev ${device}`, 'add', `ip address add ${cidr} dev ${device}`, [{ argv: ['ip', ...ipArgs(cidr), 'address', 'add', cidr, 'dev', device] }]);
      if (!present.has(cidr) || ownedBefore.has(cidr)) this.ownedAddresses.push({ device, cidr });
    }
    for (const cidr of ownedBefore) {
      if (desired.includes(cidr)) continue;
      if (present.has(cidr)) this.add('address', `address ${cidr} dev ${device}`, 'delete', 'no longer in the config', [{ argv: ['ip', ...ipArgs(cidr), 'address', 'del', cidr, 'dev', device] }]);
    }
  }

  /** Addresses on a device dlan owns: exactly the desired ones (link-local excepted). */
  ownedDeviceAddresses(link: CurrentLink | null, device: string, desired: string[]): void {
    const present = link?.addresses ?? [];
    for (const cidr of desired) {
      if (!present.includes(cidr)) this.add('address', `address ${cidr} dev ${device}`, 'add', `ip address add ${cidr} dev ${device}`, [{ argv: ['ip', ...ipArgs(cidr), 'address', 'add', cidr, 'dev', device] }]);
    }
    for (const cidr of present) {
      if (!desired.includes(cidr)) this.add('address', `address ${cidr} dev ${device}`, 'delete', `not in the config for ${device}`, [{ argv: ['ip', ...ipArgs(cidr), 'address', 'del', cidr, 'dev', device] }]);
    }
  }

  up(link: CurrentLink | null, device: string): void {
    if (!link?.up) this.add('link', `link ${device}`, link ? 'change' : 'add', `set ${device} up`, [{ argv: ['ip', 'link', 'set', 'dev', device, 'up'] }]);
  }

  mtu(link: CurrentLink | null, device: string, mtu: number): void {
    if (link?.mtu !== mtu) {
      this.add('link', `link ${device}`, link ? 'change' : 'add', `mtu ${link ? `${link.mtu} → ` : ''}${mtu}`, [{ argv: ['ip', 'link', 'set', 'dev', device, 'mtu', safeInt(mtu, 576, 65535)] }]);
    }
  }

  mac(link: CurrentLink, device: string, mac: string | null): void {
    if (mac === null) return;
    const want = safeMac(mac);
    if (link.mac !== want) this.add('link', `link ${device}`, 'change', `mac ${link.mac ?? 'none'} → ${want}`, [{ argv: ['ip', 'link', 'set', 'dev', device, 'address', want] }]);
  }
}

function requireDevice(current: CurrentNetState, device: string, role: string): CurrentLink {
  const link = current.links.get(safeInterface(device));
  if (!link) throw new InterfacePlanError(`${role} device \`${device}\` does not exist in this network namespace`);
  return link;
}

function vxlanDiff(cur: CurrentLink, want: LinkSlice, wg: string): string[] {
  if (cur.kind !== 'vxlan' || cur.vxlan === null) return [`kind ${cur.kind ?? 'none'} → vxlan`];
  const v = cur.vxlan;
  const d: string[] = [];
  if (v.id !== want.vni) d.push(`vni ${v.id} → ${want.vni}`);
  if (v.local !== want.localTunnelIpv4) d.push(`local ${v.local ?? 'none'} → ${want.localTunnelIpv4}`);
  if (v.remote !== want.remoteTunnelIpv4) d.push(`remote ${v.remote ?? 'none'} → ${want.remoteTunnelIpv4}`);
  if (v.link !== wg) d.push(`dev ${v.link ?? 'none'} → ${wg}`);
  if (v.port !== want.vxlanPort) d.push(`dstport ${v.port} → ${want.vxlanPort}`);
  return d;
}

function vxlanCreate(want: LinkSlice, wg: string): NetCommand {
  return {
    argv: [
      'ip', 'link', 'add', safeInterface(want.interface), 'mtu', safeInt(want.mtu, 576, 65535), 'type', 'vxlan',
      'id', safeInt(want.vni, 1, 16777215), 'local', safeAddress(want.localTunnelIpv4, 'ipv4'), 'remote', safeAddress(want.remoteTunnelIpv4, 'ipv4'),
      'dev', wg, 'dstport', safeInt(want.vxlanPort, 1, 65535),
    ],
  };
}

function planPeers(p: Planner, wg: string, now: WireguardNow, peers: WireguardPeer[], endpoints: Record<string, string>, psks: LinkSecrets): Record<string, string> {
  const nextEndpoints: Record<string, string> = {};
  const current = new Map(now.peers.map((x) => [x.publicKey, x]));
  for (const peer of peers) {
    const key = safeWgKey(peer.publicKey);
    const allowed = peer.allowedIps.map(safeCidr);
    const cur = current.get(key);
    const args: string[] = [];
    const what: string[] = [];
    const sameAllowed = cur !== undefined && cur.allowedIps.length === allowed.length && allowed.every((a) => cur.allowedIps.includes(a));
    if (!sameAllowed) {
      args.push('allowed-ips', allowed.join(','));
      what.push(`allowed-ips ${allowed.join(',')}`);
    }
    if (peer.endpoint !== null) {
      const want = endpointText(peer.endpoint);
      const literal = literalEndpoint(want);
      // An address the config gave is compared with what wg has. One a name resolved to is
      // compared with the ledger (what dlan set last): WireGuard moves the endpoint to wherever
      // the peer's packets come from, and only a new DNS answer should move it back.
      const ok = cur?.endpoint != null && (literal !== null && !peer.endpointName ? literalEndpoint(cur.endpoint) === literal : endpoints[key] === want);
      if (!ok) {
        args.push('endpoint', want);
        what.push(`endpoint ${want}`);
      }
      nextEndpoints[key] = want;
    } else if (peer.endpointName && endpoints[key]) nextEndpoints[key] = endpoints[key]; // unresolved: wg keeps what it has
    const keepalive = safeInt(peer.persistentKeepalive, 0, 65535);
    if ((cur?.keepalive ?? 0) !== peer.persistentKeepalive || (!cur && peer.persistentKeepalive > 0)) {
      args.push('persistent-keepalive', keepalive);
      what.push(`keepalive ${keepalive}`);
    }
    // The preshared key travels on stdin, in the same `wg set` as the peer (no handshake without it).
    const psk = psks[peer.router] ?? null;
    let input: string | undefined;
    if ((cur?.presharedKey ?? null) !== psk) {
      if (psk !== null) {
        if (!WG_KEY.test(psk)) throw new InterfacePlanError(`the opened preshared key of the link to ${peer.router} is not a WireGuard key`);
        args.push('preshared-key', '/dev/stdin');
        input = `${psk}\n`;
        what.push('preshared-key (secret changed)');
      } else {
        args.push('preshared-key', '/dev/null');
        what.push('preshared-key removed');
      }
    }
    if (args.length > 0) {
      const argv = ['wg', 'set', wg, 'peer', key, ...args];
      p.add('wireguard', `wireguard ${wg} peer ${peer.router}`, cur ? 'change' : 'add', `${key} ${what.join(', ')}`, [input === undefined ? { argv } : { argv, input }]);
    }
  }
  const wanted = new Set(peers.map((x) => x.publicKey));
  for (const cur of now.peers) {
    if (!wanted.has(cur.publicKey)) {
      p.add('wireguard', `wireguard ${wg} peer ${cur.publicKey}`, 'delete', 'peer no longer in the config', [{ argv: ['wg', 'set', wg, 'peer', safeWgKey(cur.publicKey), 'remove'] }]);
    }
  }
  return nextEndpoints;
}

/**
 * Routes of the roaming clients' /32s and /128s to wg0 (they lie outside its prefix). `proto
 * static` marks them as dlan's (wg0 is dlan's device); metric 1 wins over the route OSPF learns
 * for the same client from its home router (bird's kernel metric is 32), so an egress router
 * answers its client directly.
 */
function planClientRoutes(p: Planner, wg: string, clients: WireguardPeer[], now: string[]): void {
  const wanted = clients.flatMap((c) => c.allowedIps.map(safeCidr));
  for (const cidr of wanted) {
    if (!now.includes(cidr)) p.add('route', `route ${cidr} dev ${wg}`, 'add', 'roaming client', [{ argv: ['ip', ...ipArgs(cidr), 'route', 'replace', cidr, 'dev', wg, 'proto', 'static', 'metric', '1'] }]);
  }
  for (const cidr of now) {
    if (!wanted.includes(cidr)) p.add('route', `route ${cidr} dev ${wg}`, 'delete', 'client no longer in the config', [{ argv: ['ip', ...ipArgs(cidr), 'route', 'del', safeCidr(cidr), 'dev', wg, 'proto', 'static'] }]);
  }
}

/**
 * Sysctls of the namespace: a router forwards (IPv4 and IPv6), and strict reverse-path filtering
 * (rp_filter 1) is relaxed to loose (2): OSPF's equal-cost paths are asymmetric, so the reply of a
 * flow may arrive on another tunnel than the route back, which strict mode drops. The effective
 * value per device is the maximum of `all` and the device's, so `all = 2` makes every device at
 * most loose and leaves 0 (off) alone. Read first; written only when different.
 */
export const WANTED_SYSCTLS: { name: string; value: string; ok: (now: string) => boolean; why: string }[] = [
  { name: 'net.ipv4.ip_forward', value: '1', ok: (v) => v === '1', why: 'the router forwards IPv4' },
  { name: 'net.ipv6.conf.all.forwarding', value: '1', ok: (v) => v === '1', why: 'the router forwards IPv6' },
  { name: 'net.ipv4.conf.all.rp_filter', value: '2', ok: (v) => v !== '1', why: 'loose reverse-path filter: ECMP paths are asymmetric' },
];

function planSysctls(p: Planner, current: CurrentNetState): void {
  for (const want of WANTED_SYSCTLS) {
    const now = current.sysctls?.[want.name] ?? null;
    if (now === null || want.ok(now)) continue; // absent (e.g. IPv6 off, or a test double): nothing to reconcile
    p.add('sysctl', want.name, 'change', `${now} → ${want.value} (${want.why})`, [{ sysctl: want.name, value: want.value }]);
  }
}

export function planInterfaces(state: DesiredState, current: CurrentNetState, before: NetOwnership, key: WireguardKey, psks: LinkSecrets = {}): NetPlan {
  const p = new Planner(before);
  planSysctls(p, current);
  const wg = safeInterface(state.wireguard.interface);
  const wanted = new Set(state.links.map((l) => safeInterface(l.interface)));
  const devices = new Set<string>();

  // 1. VXLAN devices that left the config (dlan's by ledger or by name) go first: a new link may
  //    need their VNI.
  for (const link of current.links.values()) {
    if (link.name === wg || wanted.has(link.name)) continue;
    if (before.devices.includes(link.name) || (VXLAN_NAME.test(link.name) && link.kind === 'vxlan')) {
      p.add('link', `link ${link.name}`, 'delete', 'link no longer in the config', [{ argv: ['ip', 'link', 'del', 'dev', link.name] }]);
    }
  }

  // 2. The loopback addresses, advertised mesh-wide.
  const lo = current.links.get('lo');
  p.foreignDeviceAddresses(lo, 'lo', [safeCidr(`${state.loopback.ipv4}/32`), safeCidr(`${state.loopback.ipv6}/128`)]);
  if (lo) p.up(lo, 'lo'); // always up on a booted system; not in a fresh network namespace

  // 3. LAN and static WAN addresses. A WAN without an address is the OS's DHCP client's business.
  for (const lan of state.lan) {
    const link = requireDevice(current, lan.device, `LAN ${lan.name}`);
    p.mac(link, lan.device, lan.mac);
    const want = [safeCidr(`${lan.ipv4.address}/${lan.ipv4.prefix}`), ...(lan.ipv6 ? [safeCidr(`${lan.ipv6.address}/${lan.ipv6.prefix}`)] : [])];
    p.foreignDeviceAddresses(link, lan.device, want);
    p.up(link, lan.device);
  }
  const routes: OwnedRoute[] = [];
  for (const wan of state.wan) {
    const link = requireDevice(current, wan.device, `WAN ${wan.name}`);
    p.mac(link, wan.device, wan.mac);
    const want = [wan.ipv4, wan.ipv6].filter((a) => a !== null).map((a) => safeCidr(`${a.address}/${a.prefix}`));
    p.foreignDeviceAddresses(link, wan.device, want);
    if (want.length > 0) p.up(link, wan.device);
    for (const [family, a] of [['ipv4', wan.ipv4], ['ipv6', wan.ipv6]] as const) {
      if (a?.gateway) routes.push({ family, gateway: safeAddress(a.gateway, family), device: wan.device });
    }
  }

  // 4. WireGuard: created when missing (kernel, else wireguard-go), then only what differs.
  let wgLink = current.links.get(wg) ?? null;
  let wgNow = current.wireguard;
  if (wgLink === null) {
    p.add('link', `link ${wg}`, 'add', 'wireguard (kernel, or wireguard-go when the kernel has no WireGuard)', [{ createWireguard: wg }]);
    wgNow = { privateKey: null, listenPort: 0, peers: [] };
  } else if (wgNow === null) {
    throw new InterfacePlanError(`\`${wg}\` exists but is not a WireGuard interface (\`wg show ${wg} dump\` failed): remove it or rename it`);
  }
  devices.add(wg);
  p.mtu(wgLink, wg, state.wireguard.mtu);
  if (wgNow!.privateKey !== key.privateKey) p.add('wireguard', `wireguard ${wg} private key`, wgLink ? 'change' : 'add', `set from ${key.path}`, [{ argv: ['wg', 'set', wg, 'private-key', key.path] }]);
  if (wgNow!.listenPort !== state.wireguard.listenPort) {
    p.add('wireguard', `wireguard ${wg} listen-port`, wgLink ? 'change' : 'add', `${wgNow!.listenPort || 'none'} → ${state.wireguard.listenPort}`, [
      { argv: ['wg', 'set', wg, 'listen-port', safeInt(state.wireguard.listenPort, 1, 65535)] },
    ]);
  }
  // Roaming clients are peers too: they dial in (no endpoint, no keepalive, no preshared key).
  const clientPeers: WireguardPeer[] = (state.wireguard.clients ?? []).map((c) => ({ router: c.client, publicKey: c.publicKey, allowedIps: c.allowedIps, endpoint: null, persistentKeepalive: 0 }));
  const endpoints = planPeers(p, wg, wgNow!, [...state.wireguard.peers, ...clientPeers], before.endpoints, psks);
  p.ownedDeviceAddresses(wgLink, wg, [safeCidr(state.wireguard.addresses.ipv4), safeCidr(state.wireguard.addresses.ipv6)]);
  p.up(wgLink, wg);
  planClientRoutes(p, wg, clientPeers, current.wgRoutes ?? []);

  // 5. One VXLAN device per link over wg0, with the link's transit /30.
  for (const link of state.links) {
    const name = safeInterface(link.interface);
    devices.add(name);
    let cur = current.links.get(name) ?? null;
    if (cur !== null) {
      const diff = vxlanDiff(cur, link, wg);
      if (diff.length > 0) {
        p.add('link', `link ${name}`, 'change', `recreate: ${diff.join(', ')}`, [{ argv: ['ip', 'link', 'del', 'dev', name] }, vxlanCreate(link, wg)]);
        cur = null;
      } else {
        p.mtu(cur, name, link.mtu);
      }
    } else {
      p.add('link', `link ${name}`, 'add', `vxlan id ${link.vni} local ${link.localTunnelIpv4} remote ${link.remoteTunnelIpv4} dev ${wg} dstport ${link.vxlanPort} mtu ${link.mtu}`, [vxlanCreate(link, wg)]);
    }
    p.ownedDeviceAddresses(cur, name, [safeCidr(link.transit.address)]);
    if (cur === null) p.add('link', `link ${name}`, 'add', `set ${name} up`, [{ argv: ['ip', 'link', 'set', 'dev', name, 'up'] }]);
    else p.up(cur, name);
  }

  // 6. Default routes of static WANs (after their addresses: the gateway must be on-link).
  const ownedRoutes: OwnedRoute[] = [];
  const has = (r: OwnedRoute) => current.defaultRoutes.some((c) => c.family === r.family && c.gateway === r.gateway && c.device === r.device);
  const ownedBefore = (r: OwnedRoute) => before.routes.some((c) => c.family === r.family && c.gateway === r.gateway && c.device === r.device);
  for (const r of routes) {
    if (!has(r)) p.add('route', `route default via ${r.gateway} dev ${r.device}`, 'add', `${r.family} default route of the static WAN`, [{ argv: ['ip', r.family === 'ipv4' ? '-4' : '-6', 'route', 'add', 'default', 'via', r.gateway, 'dev', r.device] }]);
    if (!has(r) || ownedBefore(r)) ownedRoutes.push(r);
  }
  for (const r of before.routes) {
    if (routes.some((x) => x.family === r.family && x.gateway === r.gateway && x.device === r.device) || !has(r)) continue;
    p.add('route', `route default via ${r.gateway} dev ${r.device}`, 'delete', 'gateway no longer in the config', [{ argv: ['ip', r.family === 'ipv4' ? '-4' : '-6', 'route', 'del', 'default', 'via', r.gateway, 'dev', r.device] }]);
  }

  return { steps: p.steps, ownership: { devices: [...devices].sort(), addresses: p.ownedAddresses, routes: ownedRoutes, endpoints } };
}

/** Steps that remove everything dlan owns (uninstall, or restoring a state from before dlan). */
export function planTeardown(current: CurrentNetState, owned: NetOwnership): NetStep[] {
  const p = new Planner(owned);
  for (const dev of owned.devices) {
    if (current.links.has(dev)) p.add('link', `link ${dev}`, 'delete', 'dlan-agent removed', [{ argv: ['ip', 'link', 'del', 'dev', dev] }]);
  }
  for (const a of owned.addresses) {
    if (current.links.get(a.device)?.addresses.includes(a.cidr)) p.add('address', `address ${a.cidr} dev ${a.device}`, 'delete', 'dlan-agent removed', [{ argv: ['ip', ...ipArgs(a.cidr), 'address', 'del', a.cidr, 'dev', a.device] }]);
  }
  for (const r of owned.routes) {
    if (current.defaultRoutes.some((c) => c.family === r.family && c.gateway === r.gateway && c.device === r.device)) {
      p.add('route', `route default via ${r.gateway} dev ${r.device}`, 'delete', 'dlan-agent removed', [{ argv: ['ip', r.family === 'ipv4' ? '-4' : '-6', 'route', 'del', 'default', 'via', r.gateway, 'dev', r.device] }]);
    }
  }
  return p.steps;
}
