// DNS of one router: its own domain, delegation of every other router's domain to that router's
// loopback, upstream resolvers and the mesh-wide static records.
import type { Config, Router } from '../config/config-types.ts';
import { canonicalAddress } from '../model/address-arithmetic.ts';
import type { DnsIntent } from './desired-state.ts';
import { routerAddresses } from './mesh-addresses.ts';

export function routerDomain(config: Config, routerName: string): string {
  return `${routerName}.${config.domain}`;
}

export function sliceDns(config: Config, self: Router): DnsIntent {
  const me = routerAddresses(config, self.id);
  const delegations = config.routers
    .filter((r) => r.name !== self.name)
    .map((r) => ({ domain: routerDomain(config, r.name), server: routerAddresses(config, r.id).loopbackIpv4 }))
    .sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
  const records = new Map<string, string[]>();
  for (const r of config.dns.records) {
    const name = r.name.toLowerCase().replace(/\.$/, '');
    const list = records.get(name) ?? [];
    const address = canonicalAddress(r.address);
    if (!list.includes(address)) list.push(address);
    records.set(name, list);
  }
  return {
    localDomain: routerDomain(config, self.name),
    upstreams: config.dns.upstream.map(canonicalAddress),
    delegations,
    records: [...records.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, addresses]) => ({ name, addresses })),
    listenAddresses: [me.loopbackIpv4, me.loopbackIpv6],
  };
}
