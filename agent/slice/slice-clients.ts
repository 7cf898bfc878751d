// What one router does for the roaming VPN clients (config `clients:`): at home, a WireGuard peer
// per client on wg0 (the client dials in), a route to it and its addresses advertised in OSPF as
// stub networks; at egress (when not home), the same peer and route but no advertisement (the home
// router is the client's place in the mesh), plus forwarding to the WAN with masquerade. Every
// part is absent when the router serves no client, so such a router slices as before. The home
// router also answers `<client>.<router>.<domain>` (its own zone) with the client's addresses.
import type { Config, Router } from '../config/config-types.ts';
import type { DnsIntent, FirewallIntent, OspfIntent, WireguardClientPeer } from './desired-state.ts';
import { clientAddresses } from './client-addresses.ts';
import { routerDomain } from './slice-dns.ts';

export interface ClientSlice {
  peers?: WireguardClientPeer[];
  clientPrefixes?: NonNullable<OspfIntent['clientPrefixes']>;
  clientEgress?: NonNullable<FirewallIntent['clientEgress']>;
  /** `<client>.<router>.<domain>` of the clients at home here. */
  dnsRecords?: DnsIntent['records'];
}

export function sliceClients(config: Config, self: Router): ClientSlice {
  const peers: WireguardClientPeer[] = [];
  const home = { ipv4: [] as string[], ipv6: [] as string[] };
  const egress = { ipv4: [] as string[], ipv6: [] as string[] };
  const dnsRecords: DnsIntent['records'] = [];
  for (const c of [...config.clients].sort((a, b) => a.id - b.id)) {
    const isHome = c.home === self.name;
    const isEgress = c.egress === self.name;
    if (!isHome && !isEgress) continue;
    const a = clientAddresses(config, c.id);
    const v4 = `${a.ipv4}/32`;
    const v6 = `${a.ipv6}/128`;
    peers.push({ client: c.name, clientId: c.id, publicKey: c.public_key, allowedIps: [v4, v6], role: isHome ? 'home' : 'egress' });
    if (isHome) {
      home.ipv4.push(v4);
      home.ipv6.push(v6);
      dnsRecords.push({ name: `${c.name}.${routerDomain(config, self.name)}`, addresses: [a.ipv4, a.ipv6] });
    }
    if (isEgress) egress.ipv4.push(v4), egress.ipv6.push(v6);
  }
  const out: ClientSlice = {};
  if (peers.length) out.peers = peers;
  if (home.ipv4.length) out.clientPrefixes = home;
  if (egress.ipv4.length) out.clientEgress = egress;
  if (dnsRecords.length) out.dnsRecords = dnsRecords;
  return out;
}

/** `dns` with the client names added to its records (merged with a static record of the same name, sorted by name). */
export function withClientRecords(dns: DnsIntent, records: DnsIntent['records'] | undefined): DnsIntent {
  if (!records) return dns;
  const byName = new Map(dns.records.map((r) => [r.name, [...r.addresses]]));
  for (const r of records) byName.set(r.name, [...new Set([...(byName.get(r.name) ?? []), ...r.addresses])]);
  const merged = [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, addresses]) => ({ name, addresses }));
  return { ...dns, records: merged };
}
