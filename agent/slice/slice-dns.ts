// DNS of one router: its own domain, delegation of every other router's domain to that router's
// loopback, upstream resolvers and the mesh-wide static records.
import type { Config, Router } from '../config/config-types.ts';
import { canonicalAddress } from '../model/address-arithmetic.ts';
import type { DnsIntent } from './desired-state.ts';
import { routerAddresses } from './mesh-addresses.ts';

export function routerDomain(config: Config, routerName: string): string {
  return `${routerName}.${config.domain}`;
}

function dnsName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
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
  return {
    ...extra,
    localDomain: routerDomain(config, self.name),
    upstreams: config.dns.upstream.map(canonicalAddress),
    delegations,
    records: [...records.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, addresses]) => ({ name, addresses })),
    listenAddresses: [me.loopbackIpv4, me.loopbackIpv6],
  };
}
