// DNS of one router: its own domain, delegation of every other router's domain to that router's
// loopback, upstream resolvers and the mesh-wide static records; reverse DNS the same way: the
// PTRs of the addresses this router owns, its reverse zones answered locally, every other
// router's reverse zones delegated to that router's loopback.
import type { Config, Router } from '../config/config-types.ts';
import { canonicalAddress, parsePrefix, prefixContains } from '../base/address-arithmetic.ts';
import { reverseZones } from '../model/reverse-dns.ts';
import type { DnsIntent } from './desired-state.ts';
import { clientAddresses } from './client-addresses.ts';
import { routerAddresses } from './mesh-addresses.ts';
import { sliceLan } from './slice-interfaces.ts';

export function routerDomain(config: Config, routerName: string): string {
  return `${routerName}.${config.domain}`;
}

function dnsName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Roaming clients at home on a router (it routes and names them), by id. */
function homeClients(config: Config, router: Router) {
  return config.clients.filter((c) => c.home === router.name).sort((a, b) => a.id - b.id);
}

/**
 * A router's reverse zones: its loopback addresses one by one, each LAN's IPv4 and IPv6 prefix,
 * then the addresses of the roaming clients at home there, one by one.
 */
function routerReverseZones(config: Config, router: Router): string[] {
  const a = routerAddresses(config, router.id);
  const prefixes = [
    `${a.loopbackIpv4}/32`,
    `${a.loopbackIpv6}/128`,
    ...router.lan.flatMap((l) => (l.ipv6 === null ? [l.ipv4] : [l.ipv4, l.ipv6])),
    ...homeClients(config, router).flatMap((c) => {
      const ca = clientAddresses(config, c.id);
      return [`${ca.ipv4}/32`, `${ca.ipv6}/128`];
    }),
  ];
  return prefixes.flatMap(reverseZones);
}

/**
 * The PTRs this router serves. It owns its loopback addresses, every address of its LANs and the
 * addresses of the roaming clients at home here: the loopback is named after the router's domain
 * (which answers the loopback forward, see the renderers), a static lease `<lease>.<router
 * domain>`, a client `<client>.<router domain>`, and a static A/AAAA record on an owned address
 * gets one PTR per name. Records elsewhere (public addresses) get none here.
 */
function slicePtr(config: Config, self: Router): NonNullable<DnsIntent['ptr']> {
  const me = routerAddresses(config, self.id);
  const domain = routerDomain(config, self.name);
  const ptr: NonNullable<DnsIntent['ptr']> = [
    { address: me.loopbackIpv4, name: domain },
    { address: me.loopbackIpv6, name: domain },
  ];
  const lans = sliceLan(self.lan);
  for (const lan of lans) for (const l of lan.leases) ptr.push({ address: l.address, name: `${dnsName(l.name)}.${domain}` });
  // A roaming client at home here is named `<client>.<router domain>` (slice-clients.ts).
  for (const c of homeClients(config, self)) {
    const ca = clientAddresses(config, c.id);
    ptr.push({ address: ca.ipv4, name: `${dnsName(c.name)}.${domain}` }, { address: ca.ipv6, name: `${dnsName(c.name)}.${domain}` });
  }
  const owned = lans.flatMap((l) => [parsePrefix(l.ipv4.cidr), ...(l.ipv6 ? [parsePrefix(l.ipv6.cidr)] : [])]);
  const mine = (address: string) => ptr.some((p) => p.address === address) || owned.some((p) => prefixContains(p, address));
  // Config order of the records, not the sorted `records` list: the first name is the main one.
  for (const r of config.dns.records) {
    if (r.address === undefined || (r.type !== undefined && r.type !== 'A' && r.type !== 'AAAA')) continue;
    const address = canonicalAddress(r.address);
    const name = dnsName(r.name);
    if (mine(address) && !ptr.some((p) => p.address === address && p.name === name)) ptr.push({ address, name });
  }
  return ptr;
}

export function sliceDns(config: Config, self: Router): DnsIntent {
  const me = routerAddresses(config, self.id);
  const delegations = config.routers
    .filter((r) => r.name !== self.name)
    .map((r) => ({ domain: routerDomain(config, r.name), server: routerAddresses(config, r.id).loopbackIpv4 }))
    .sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
  const records = new Map<string, string[]>();
  const cnames: NonNullable<DnsIntent['cnames']> = [];
  const srv: NonNullable<DnsIntent['srv']> = [];
  const txt: NonNullable<DnsIntent['txt']> = [];
  const mx: NonNullable<DnsIntent['mx']> = [];
  for (const r of config.dns.records) {
    const name = dnsName(r.name);
    const target = dnsName(r.target ?? '');
    if (r.type === 'CNAME') cnames.push({ name, target });
    else if (r.type === 'SRV') srv.push({ name, target, port: r.port ?? 0, priority: r.priority ?? 0, weight: r.weight ?? 0 });
    else if (r.type === 'TXT') txt.push({ name, text: r.text ?? '' });
    else if (r.type === 'MX') mx.push({ name, target, preference: r.preference ?? 10 });
    else if (r.address !== undefined) {
      const list = records.get(name) ?? [];
      const address = canonicalAddress(r.address);
      if (!list.includes(address)) list.push(address);
      records.set(name, list);
    }
  }
  // The extra record kinds are left out when empty: a config without them slices as before.
  const extra: Partial<DnsIntent> = {};
  if (cnames.length) extra.cnames = cnames;
  if (srv.length) extra.srv = srv;
  if (txt.length) extra.txt = txt;
  if (mx.length) extra.mx = mx;
  const reverseDelegations = config.routers
    .filter((r) => r.name !== self.name)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((r) => routerReverseZones(config, r).map((zone) => ({ zone, server: routerAddresses(config, r.id).loopbackIpv4 })));
  return {
    ...extra,
    localDomain: routerDomain(config, self.name),
    upstreams: config.dns.upstream.map(canonicalAddress),
    delegations,
    records: [...records.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, addresses]) => ({ name, addresses })),
    ptr: slicePtr(config, self),
    reverseZones: routerReverseZones(config, self),
    reverseDelegations,
    listenAddresses: [me.loopbackIpv4, me.loopbackIpv6],
  };
}
