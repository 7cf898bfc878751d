// The links of one router: WireGuard peers (who dials whom), VXLAN devices and transit /30s.
import type { Config, Router } from '../config/config-types.ts';
import { dialEndpoint } from '../model/link-endpoint.ts';
import { parsePrefix } from '../base/address-arithmetic.ts';
import { pairId, transitSubnet } from '../model/link-numbering.ts';
import type { LinkSlice, WireguardPeer } from './desired-state.ts';
import { routerAddresses } from './mesh-addresses.ts';

/** VXLAN device of the link to router id `peerId`: short enough for IFNAMSIZ (15) up to id 4095. */
export function vxlanInterfaceName(peerId: number): string {
  return `dlan_vx${peerId}`;
}

export function sliceLinks(config: Config, self: Router): { links: LinkSlice[]; peers: WireguardPeer[] } {
  const byName = new Map(config.routers.map((r) => [r.name, r]));
  const me = routerAddresses(config, self.id);
  const transitPool = parsePrefix(config.addressing.transit_ipv4);
  const links: LinkSlice[] = [];
  const peers: WireguardPeer[] = [];
  for (const link of config.links) {
    if (!link.routers.includes(self.name)) continue;
    const peerName = link.routers[0] === self.name ? link.routers[1] : link.routers[0];
    const peer = byName.get(peerName)!;
    const them = routerAddresses(config, peer.id);
    const pair = pairId(self.id, peer.id, config.addressing.max_routers);
    const transit = transitSubnet(transitPool, pair);
    const selfLower = self.id < peer.id;
    const endpoint = dialEndpoint(config, link, peer.name);
    const dials = endpoint !== null;
    links.push({
      peer: peer.name,
      peerId: peer.id,
      pairId: pair,
      vni: pair,
      interface: vxlanInterfaceName(peer.id),
      vxlanPort: config.vxlan.port,
      localTunnelIpv4: me.tunnelIpv4,
      remoteTunnelIpv4: them.tunnelIpv4,
      transit: {
        address: `${selfLower ? transit.lower : transit.higher}/30`,
        peerAddress: selfLower ? transit.higher : transit.lower,
        network: `${transit.network}/30`,
        prefix: 30,
      },
      cost: link.cost,
      mtu: link.mtu,
      bfd: link.bfd,
      ...(link.bfd_timers ? { bfdTimers: { intervalMs: link.bfd_timers.interval, multiplier: link.bfd_timers.multiplier } } : {}),
      dials,
      ...(link.preshared_key ? { sealedPresharedKey: link.preshared_key.sealed } : {}),
    });
    peers.push({
      router: peer.name,
      publicKey: peer.public_key,
      allowedIps: [`${them.tunnelIpv4}/32`, `${them.tunnelIpv6}/128`],
      endpoint: endpoint === null ? null : { host: endpoint.host, port: endpoint.port },
      persistentKeepalive: dials ? config.wireguard.keepalive : 0,
    });
  }
  const order = new Map(links.map((l) => [l.peer, l.peerId]));
  links.sort((a, b) => a.peerId - b.peerId);
  peers.sort((a, b) => order.get(a.router)! - order.get(b.router)!);
  return { links, peers };
}
