// /etc/config/firewall (fw4) of one router: the stock `lan` and `wan` zones are adopted (their
// networks become dlan's interfaces), a `dlan` zone holds the tunnel side (wg0 and the VXLAN
// devices, MSS clamped), forwardings join the three, and one rule per WAN opening.
// OSPF, BFD and VXLAN need no rule of their own: they only arrive on the tunnel zone, which accepts
// them, and the WAN zone rejects everything that is not explicitly opened.
import type { DesiredState } from '../../../slice/desired-state.ts';
import { lanInterfaceNames, wanInterfaceNames } from './render-uci-network.ts';
import type { RenderedSection } from './rendered-uci.ts';

/** fw4 zone name of the tunnel side (fw4 limits zone names to 11 characters). */
export const TUNNEL_ZONE = 'dlan';

function forwarding(name: string, src: string, dest: string, adopt = false): RenderedSection {
  return {
    name,
    type: 'forwarding',
    ...(adopt ? { adopt: { type: 'forwarding', match: { src, dest } } } : {}),
    options: [
      ['src', src],
      ['dest', dest],
    ],
  };
}

export function renderUciFirewall(state: DesiredState): RenderedSection[] {
  const lans = lanInterfaceNames(state);
  const tunnelDevices = [state.wireguard.interface, ...state.links.map((l) => l.interface)];
  const fw = state.firewall;
  const out: RenderedSection[] = [
    {
      name: 'dlan_zone_lan',
      type: 'zone',
      adopt: { type: 'zone', match: { name: 'lan' } },
      options: [
        ['name', 'lan'],
        ['network', lans.length ? lans : null],
        ['input', 'ACCEPT'],
        ['output', 'ACCEPT'],
        ['forward', 'ACCEPT'],
      ],
    },
    {
      name: 'dlan_zone_wan',
      type: 'zone',
      adopt: { type: 'zone', match: { name: 'wan' } },
      options: [
        ['name', 'wan'],
        ['network', wanInterfaceNames(state)],
        ['input', 'REJECT'],
        ['output', 'ACCEPT'],
        ['forward', 'DROP'],
        ['masq', fw.masquerade ? '1' : '0'],
        ['mtu_fix', fw.mssClamp ? '1' : '0'],
      ],
    },
    {
      name: 'dlan_zone_tunnel',
      type: 'zone',
      options: [
        ['name', TUNNEL_ZONE],
        ['device', tunnelDevices],
        ['input', 'ACCEPT'],
        ['output', 'ACCEPT'],
        ['forward', 'ACCEPT'],
        ['mtu_fix', fw.mssClamp ? '1' : '0'],
      ],
    },
    forwarding('dlan_fwd_lan_wan', 'lan', 'wan', true),
    forwarding('dlan_fwd_lan_tunnel', 'lan', TUNNEL_ZONE),
    forwarding('dlan_fwd_tunnel_lan', TUNNEL_ZONE, 'lan'),
    forwarding('dlan_fwd_tunnel_wan', TUNNEL_ZONE, 'wan'),
  ];
  // Roaming clients using this router as egress: IPv4 leaves through the tunnel→wan forwarding and
  // the wan zone's masquerade like LAN traffic; their IPv6 (a ULA) needs its own masquerade.
  for (const [i, source] of (fw.clientEgress?.ipv6 ?? []).entries()) {
    out.push({
      name: `dlan_nat6_client_${i}`,
      type: 'nat',
      options: [
        ['name', 'dlan: roaming client to the internet'],
        ['family', 'ipv6'],
        ['src', 'wan'],
        ['src_ip', source],
        ['target', 'MASQUERADE'],
      ],
    });
  }
  for (const o of fw.wanInput) {
    out.push({
      name: o.name,
      type: 'rule',
      options: [
        ['name', `dlan: ${o.why}`],
        ['src', 'wan'],
        ['proto', o.protocol],
        ['dest_port', String(o.port)],
        ['family', o.family === 'any' ? null : o.family],
        ['target', 'ACCEPT'],
      ],
    });
  }
  return out;
}
