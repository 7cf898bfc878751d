// Applies every default and normalises a validated RawConfig into Config: routers sorted by
// name, link ends ordered by router id, endpoints parsed, DHCP ranges computed (clipped to the
// subnet), MAC addresses and DUIDs in lower case. Only called once validation found no error.
import { DEFAULTS, type Config, type DhcpSettings, type Endpoint, type Lan, type Lease, type Link, type RawConfig, type RawLan, type RawLink, type RawRouter, type Router, type Service } from './config-types.ts';
import { parseEndpoint } from './parse-host-port.ts';
import { dhcpRange } from './dhcp-range.ts';
import { parseCidr, usableCount } from '../base/address-arithmetic.ts';

export function normalizeConfig(raw: RawConfig): Config {
  const wireguard = { ...DEFAULTS.wireguard, ...raw.wireguard };
  const vxlan = { ...DEFAULTS.vxlan, ...raw.vxlan };
  const ospf = { ...DEFAULTS.ospf, ...raw.ospf };
  const endpoint = (text: string): Endpoint => {
    const r = parseEndpoint(text, wireguard.port);
    if (!r.ok) throw new Error(`normalizeConfig: unvalidated endpoint ${text}`);
    return r.value;
  };
  const routers: Router[] = Object.entries(raw.routers ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, r]) => normalizeRouter(name, r, endpoint));
  const idOf = new Map(routers.map((r) => [r.name, r.id]));
  return {
    version: 1,
    domain: raw.domain ?? DEFAULTS.domain,
    addressing: { ...DEFAULTS.addressing, ...raw.addressing },
    wireguard,
    vxlan,
    ospf,
    dns: { upstream: [...(raw.dns?.upstream ?? [])], records: (raw.dns?.records ?? []).map((r) => ({ ...r })) },
    admin: { ssh_keys: raw.admin?.ssh_keys ? [...raw.admin.ssh_keys] : null, ssh_from_wan: raw.admin?.ssh_from_wan ?? false },
    routers,
    links: (raw.links ?? []).map((l) => normalizeLink(l, idOf, ospf, vxlan.mtu, endpoint)),
    clients: Object.entries(raw.clients ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, c]) => ({ name, id: c.id, public_key: c.public_key, home: c.home, egress: c.egress ?? null })),
    services: (raw.services ?? []).map(normalizeService),
    monitoring: { nginx_status_port: raw.monitoring?.nginx_status_port ?? null },
  };
}

function normalizeRouter(name: string, r: RawRouter, endpoint: (t: string) => Endpoint): Router {
  return {
    name,
    id: r.id,
    public_key: r.public_key,
    ...(r.age_recipient !== undefined ? { age_recipient: r.age_recipient } : {}),
    endpoint: r.endpoint !== undefined ? endpoint(r.endpoint) : null,
    wan: r.wan.map((w) => ({ ...w, ...(w.mac !== undefined ? { mac: w.mac.toLowerCase() } : {}) })),
    lan: (r.lan ?? []).map(normalizeLan),
  };
}

function normalizeLan(l: RawLan): Lan {
  return {
    device: l.device,
    ipv4: l.ipv4,
    ipv6: l.ipv6 ?? null,
    mac: l.mac !== undefined ? l.mac.toLowerCase() : null,
    dhcp: l.dhcp === false ? null : dhcpSettings(l),
    leases: (l.leases ?? []).map(normalizeLease),
  };
}

function dhcpSettings(l: RawLan): DhcpSettings {
  const given = l.dhcp === false ? undefined : l.dhcp;
  const usable = Number(usableCount(parseCidr(l.ipv4, 'ipv4')!));
  const r = dhcpRange(usable, given?.start, given?.limit);
  if (!r.ok) throw new Error(`normalizeConfig: unvalidated DHCP range: ${r.message}`);
  return { ...r.range, lease_time: given?.lease_time ?? DEFAULTS.dhcp.lease_time };
}

function normalizeLease(l: Lease): Lease {
  return 'mac' in l && l.mac !== undefined
    ? { mac: l.mac.toLowerCase(), host: l.host, name: l.name }
    : { duid: (l as { duid: string }).duid.toLowerCase(), host: l.host, name: l.name };
}

function normalizeLink(
  l: RawLink,
  idOf: Map<string, number>,
  ospf: { cost: number; bfd: boolean; bfd_interval: number; bfd_multiplier: number },
  mtu: number,
  endpoint: (t: string) => Endpoint,
): Link {
  const obj = Array.isArray(l) ? { routers: l } : l;
  const [a, b] = obj.routers;
  const ordered: [string, string] = idOf.get(a)! <= idOf.get(b)! ? [a, b] : [b, a];
  const endpoints: Record<string, Endpoint> = {};
  if (!Array.isArray(l)) {
    for (const [name, text] of Object.entries(l.endpoints ?? {}).sort(([x], [y]) => (x < y ? -1 : 1))) endpoints[name] = endpoint(text);
  }
  return {
    routers: ordered,
    cost: (Array.isArray(l) ? undefined : l.cost) ?? ospf.cost,
    endpoints,
    mtu: (Array.isArray(l) ? undefined : l.mtu) ?? mtu,
    bfd: (Array.isArray(l) ? undefined : l.bfd) ?? ospf.bfd,
    ...(!Array.isArray(l) && (l.bfd_interval !== undefined || l.bfd_multiplier !== undefined)
      ? { bfd_timers: { interval: l.bfd_interval ?? ospf.bfd_interval, multiplier: l.bfd_multiplier ?? ospf.bfd_multiplier } }
      : {}),
    ...(!Array.isArray(l) && l.preshared_key ? { preshared_key: { recipients: { ...l.preshared_key.recipients }, sealed: l.preshared_key.sealed } } : {}),
  };
}

function normalizeService(s: RawService): Service {
  return {
    name: s.name,
    protocol: s.protocol ?? 'tcp',
    routers: [...s.routers],
    listen: [...s.listen],
    upstreams: [...s.upstreams],
    proxy_protocol: s.proxy_protocol ?? false,
  };
}

type RawService = NonNullable<RawConfig['services']>[number];
