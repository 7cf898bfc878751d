// The network state of the current namespace as the reconciler sees it, parsed from `ip -j` and
// `wg show <if> dump`. Parsing is pure (tests feed it recorded output); reading goes through Host.
import type { Host } from '../../host/host.ts';
import { canonicalAddress } from '../../base/address-arithmetic.ts';

export interface VxlanInfo {
  id: number;
  local: string | null;
  remote: string | null;
  /** Underlying device (`dev wg0`). */
  link: string | null;
  port: number;
}

export interface CurrentLink {
  name: string;
  /** `linkinfo.info_kind`: `vxlan`, `wireguard`, `tun` (wireguard-go), `veth`…; null for plain devices. */
  kind: string | null;
  up: boolean;
  mtu: number;
  mac: string | null;
  vxlan: VxlanInfo | null;
  /** Global/host-scope addresses as canonical `addr/len` (link-local ones are the kernel's business). */
  addresses: string[];
}

export interface CurrentRoute {
  family: 'ipv4' | 'ipv6';
  gateway: string;
  device: string;
}

export interface WireguardPeerNow {
  publicKey: string;
  /** `host:port` / `[v6]:port`, or null. */
  endpoint: string | null;
  allowedIps: string[];
  keepalive: number;
  /** Base64 preshared key, null when none. A secret: compared, never logged or printed. */
  presharedKey: string | null;
}

export interface WireguardNow {
  /** Never logged or printed. */
  privateKey: string | null;
  listenPort: number;
  peers: WireguardPeerNow[];
}

export interface CurrentNetState {
  links: Map<string, CurrentLink>;
  defaultRoutes: CurrentRoute[];
  /** Dump of the WireGuard interface, null when it does not exist or does not answer. */
  wireguard: WireguardNow | null;
  /** Values of the sysctls dlan reconciles (RECONCILED_SYSCTLS), by dotted name; null when absent. */
  sysctls?: Record<string, string | null>;
  /** Routes dlan adds on the WireGuard device (`proto static`: roaming clients), canonical CIDRs. */
  wgRoutes?: string[];
}

/** `ip -j route show dev X proto static`: the destinations, host routes with their /32 or /128. */
export function parseDeviceRoutes(json: string): string[] {
  const rows = JSON.parse(json || '[]') as { dst?: string }[];
  return rows.flatMap((r) => {
    if (!r.dst || r.dst === 'default') return [];
    const [addr, len] = r.dst.split('/');
    return [`${canonicalAddress(addr!)}/${len ?? (addr!.includes(':') ? '128' : '32')}`];
  });
}

/** Per network namespace: /proc/sys/net/… shows the namespace of the process reading it. */
export function sysctlPath(name: string): string {
  return `/proc/sys/${name.replaceAll('.', '/')}`;
}

/** The sysctls the reconciler reads: forwarding on, and reverse-path filtering (see plan-interfaces). */
export const RECONCILED_SYSCTLS = ['net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding', 'net.ipv4.conf.all.rp_filter'] as const;

interface IpLinkJson {
  ifname: string;
  flags?: string[];
  mtu?: number;
  address?: string;
  link_type?: string;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
}
interface IpAddrJson {
  ifname: string;
  addr_info?: { family: string; local: string; prefixlen: number; scope: string }[];
}
interface IpRouteJson {
  dst: string;
  gateway?: string;
  dev?: string;
}

export function canonicalCidr(address: string, prefix: number): string {
  return `${canonicalAddress(address)}/${prefix}`;
}

export function parseIpLinks(linkJson: string, addrJson: string): Map<string, CurrentLink> {
  const links = new Map<string, CurrentLink>();
  for (const l of JSON.parse(linkJson) as IpLinkJson[]) {
    const d = l.linkinfo?.info_data;
    const kind = l.linkinfo?.info_kind ?? null;
    links.set(l.ifname, {
      name: l.ifname,
      kind,
      up: (l.flags ?? []).includes('UP'),
      mtu: l.mtu ?? 0,
      mac: l.link_type === 'ether' && l.address ? l.address.toLowerCase() : null,
      vxlan:
        kind === 'vxlan' && d
          ? {
              id: Number(d['id']),
              local: typeof d['local'] === 'string' ? d['local'] : null,
              remote: typeof d['remote'] === 'string' ? d['remote'] : null,
              link: typeof d['link'] === 'string' ? d['link'] : null,
              port: Number(d['port']),
            }
          : null,
      addresses: [],
    });
  }
  for (const a of JSON.parse(addrJson) as IpAddrJson[]) {
    const link = links.get(a.ifname);
    if (!link) continue;
    for (const i of a.addr_info ?? []) {
      if (i.scope === 'link' || (i.family !== 'inet' && i.family !== 'inet6')) continue;
      link.addresses.push(canonicalCidr(i.local, i.prefixlen));
    }
  }
  return links;
}

export function parseDefaultRoutes(json: string, family: 'ipv4' | 'ipv6'): CurrentRoute[] {
  return (JSON.parse(json) as IpRouteJson[])
    .filter((r) => r.dst === 'default' && r.gateway && r.dev)
    .map((r) => ({ family, gateway: canonicalAddress(r.gateway!), device: r.dev! }));
}

/** `wg show <if> dump`: first line the interface, then one line per peer, tab-separated. */
export function parseWireguardDump(dump: string): WireguardNow {
  const lines = dump.split('\n').filter((l) => l.trim() !== '');
  const head = (lines[0] ?? '').split('\t');
  const peers = lines.slice(1).map((line) => {
    const f = line.split('\t');
    const allowed = f[3] && f[3] !== '(none)' ? f[3].split(',') : [];
    return {
      publicKey: f[0] ?? '',
      endpoint: f[2] && f[2] !== '(none)' ? f[2] : null,
      allowedIps: allowed.map((c) => {
        const [a, p] = c.split('/');
        return canonicalCidr(a!, Number(p));
      }),
      keepalive: f[7] === undefined || f[7] === 'off' ? 0 : Number(f[7]),
      presharedKey: f[1] && f[1] !== '(none)' ? f[1] : null,
    };
  });
  return { privateKey: head[0] && head[0] !== '(none)' ? head[0] : null, listenPort: Number(head[2] ?? 0), peers };
}

export class CommandFailedError extends Error {
  constructor(readonly argv: readonly string[], readonly code: number, readonly stderr: string) {
    super(`\`${argv.join(' ')}\` failed (exit ${code}): ${stderr.trim() || 'no message'}`);
    this.name = 'CommandFailedError';
  }
}

async function run(host: Host, argv: string[]): Promise<string> {
  const r = await host.exec(argv[0]!, argv.slice(1), { timeoutMs: 15000 });
  if (r.code !== 0) throw new CommandFailedError(argv, r.code, r.stderr);
  return r.stdout;
}

export async function readCurrentNetState(host: Host, wgInterface: string): Promise<CurrentNetState> {
  const links = parseIpLinks(await run(host, ['ip', '-j', '-d', 'link', 'show']), await run(host, ['ip', '-j', 'addr', 'show']));
  const defaultRoutes = [
    ...parseDefaultRoutes(await run(host, ['ip', '-j', '-4', 'route', 'show', 'default']), 'ipv4'),
    ...parseDefaultRoutes(await run(host, ['ip', '-j', '-6', 'route', 'show', 'default']), 'ipv6'),
  ];
  let wireguard: WireguardNow | null = null;
  if (links.has(wgInterface)) {
    // The dump holds the private key: its output is parsed, never logged.
    const r = await host.exec('wg', ['show', wgInterface, 'dump'], { timeoutMs: 15000 });
    if (r.code === 0) wireguard = parseWireguardDump(r.stdout);
  }
  const sysctls: Record<string, string | null> = {};
  for (const name of RECONCILED_SYSCTLS) {
    // Through exec like the `ip` reads: the namespace that matters is the one commands run in.
    const r = await host.exec('cat', [sysctlPath(name)], { timeoutMs: 5000 });
    sysctls[name] = r.code === 0 ? r.stdout.trim() : null;
  }
  const wgRoutes: string[] = [];
  if (links.has(wgInterface)) {
    for (const family of ['-4', '-6']) wgRoutes.push(...parseDeviceRoutes(await run(host, ['ip', '-j', family, 'route', 'show', 'dev', wgInterface, 'proto', 'static'])));
  }
  return { links, defaultRoutes, wireguard, sysctls, wgRoutes };
}
