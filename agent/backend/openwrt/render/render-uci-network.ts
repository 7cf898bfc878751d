// /etc/config/network of one router: loopback addresses, WAN and LAN interfaces, the WireGuard
// interface with one peer per link, and per link a VXLAN interface over wg0 plus the static
// interface carrying the link's /30 (netifd names the VXLAN device after its section).
import type { DesiredState, LinkSlice, WireguardClientPeer, WireguardPeer } from '../../../slice/desired-state.ts';
import type { LinkSecrets } from '../../../secrets/open-link-secrets.ts';
import type { RenderedSection, SectionSelector } from './rendered-uci.ts';

export function wanInterfaceNames(state: DesiredState): string[] {
  return state.wan.flatMap((w) => [`dlan_${w.name}`, `dlan_${w.name}_6`]);
}

export function lanInterfaceNames(state: DesiredState): string[] {
  return state.lan.map((l) => `dlan_${l.name}`);
}

/** The static interface on top of a VXLAN device. */
export function vxlanAddressInterface(link: LinkSlice): string {
  return `${link.interface}_addr`;
}

function peerSection(peer: WireguardPeer, link: LinkSlice, wg: string, presharedKey: string | null): RenderedSection {
  return {
    name: `dlan_peer_${link.peerId}`,
    type: `wireguard_${wg}`,
    options: [
      ['description', peer.router],
      ['public_key', peer.publicKey],
      // Opened from the link's sealed secret at apply time; never in a plan or log (SECRET_OPTIONS).
      ['preshared_key', presharedKey],
      ['allowed_ips', [...peer.allowedIps]],
      // The peers' /32s lie inside wg0's own prefix: netifd needs no extra routes for them.
      ['route_allowed_ips', '0'],
      ['endpoint_host', peer.endpoint?.host ?? null],
      ['endpoint_port', peer.endpoint ? String(peer.endpoint.port) : null],
      ['persistent_keepalive', peer.persistentKeepalive > 0 ? String(peer.persistentKeepalive) : null],
    ],
  };
}

/** A roaming client: it dials in (no endpoint, no keepalive); its /32 and /128 lie outside wg0's
 * prefix, so netifd adds routes for them (the home router's OSPF advertises them). */
function clientPeerSection(client: WireguardClientPeer, wg: string): RenderedSection {
  return {
    name: `dlan_client_${client.clientId}`,
    type: `wireguard_${wg}`,
    options: [
      ['description', client.client],
      ['public_key', client.publicKey],
      ['allowed_ips', [...client.allowedIps]],
      ['route_allowed_ips', '1'],
    ],
  };
}

/** `psks`: the opened preshared keys of the router's links, by peer router name. */
export function renderUciNetwork(state: DesiredState, privateKey: string, psks: LinkSecrets = {}): RenderedSection[] {
  const out: RenderedSection[] = [];
  out.push({
    name: 'dlan_lo',
    type: 'interface',
    options: [
      ['device', 'lo'],
      ['proto', 'static'],
      ['ipaddr', [`${state.loopback.ipv4}/32`]],
      ['ip6addr', [`${state.loopback.ipv6}/128`]],
    ],
  });
  for (const w of state.wan) {
    out.push({
      name: `dlan_${w.name}`,
      type: 'interface',
      options: w.ipv4
        ? [
            ['device', w.device],
            ['proto', 'static'],
            ['ipaddr', `${w.ipv4.address}/${w.ipv4.prefix}`],
            ['gateway', w.ipv4.gateway],
            ['macaddr', w.mac],
          ]
        : [
            ['device', w.device],
            ['proto', 'dhcp'],
            ['macaddr', w.mac],
          ],
    });
    out.push({
      name: `dlan_${w.name}_6`,
      type: 'interface',
      options: w.ipv6
        ? [
            ['device', w.device],
            ['proto', 'static'],
            ['ip6addr', `${w.ipv6.address}/${w.ipv6.prefix}`],
            ['ip6gw', w.ipv6.gateway],
          ]
        : [
            ['device', w.device],
            ['proto', 'dhcpv6'],
            // An address for the router itself, no delegated prefix: the LANs use their own ULAs.
            ['reqaddress', 'try'],
            ['reqprefix', 'no'],
          ],
    });
  }
  for (const l of state.lan) {
    out.push({
      name: `dlan_${l.name}`,
      type: 'interface',
      options: [
        ['device', l.device],
        ['proto', 'static'],
        ['ipaddr', l.ipv4.address],
        ['netmask', l.ipv4.netmask],
        ['ip6addr', l.ipv6 ? `${l.ipv6.address}/${l.ipv6.prefix}` : null],
        ['macaddr', l.mac],
      ],
    });
  }
  const wg = state.wireguard;
  out.push({
    name: wg.interface,
    type: 'interface',
    options: [
      ['proto', 'wireguard'],
      ['private_key', privateKey],
      ['listen_port', String(wg.listenPort)],
      ['mtu', String(wg.mtu)],
      ['addresses', [wg.addresses.ipv4, wg.addresses.ipv6]],
    ],
  });
  for (const link of state.links) {
    const peer = wg.peers.find((p) => p.router === link.peer);
    if (peer) out.push(peerSection(peer, link, wg.interface, psks[peer.router] ?? null));
  }
  for (const client of wg.clients ?? []) out.push(clientPeerSection(client, wg.interface));
  for (const link of state.links) {
    out.push({
      name: link.interface,
      type: 'interface',
      options: [
        ['proto', 'vxlan'],
        ['tunlink', wg.interface],
        ['ipaddr', link.localTunnelIpv4],
        ['peeraddr', link.remoteTunnelIpv4],
        ['vid', String(link.vni)],
        ['port', String(link.vxlanPort)],
        ['mtu', String(link.mtu)],
      ],
    });
    out.push({
      name: vxlanAddressInterface(link),
      type: 'interface',
      options: [
        ['device', link.interface],
        ['proto', 'static'],
        ['ipaddr', link.transit.address],
      ],
    });
  }
  return out;
}

/**
 * The stock interfaces dlan's WAN/LAN interfaces replace: `lan` (bridge `br-lan`), `wan`, `wan6`.
 * They are deleted and saved; `uninstall` puts them back where they were.
 */
export const NETWORK_TAKEOVER: SectionSelector[] = [
  { type: 'interface', name: 'lan' },
  { type: 'interface', name: 'wan' },
  { type: 'interface', name: 'wan6' },
  { type: 'device', match: { name: 'br-lan' } },
];
