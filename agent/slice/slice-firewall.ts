// What the WAN may open on one router. Everything else from the WAN is refused; the tunnel side
// (wg0, VXLAN devices) and the LANs are trusted.
import type { Config, Router } from '../config/config-types.ts';
import type { FirewallIntent, FirewallOpening, LanInterface, LinkSlice, ServiceSlice, SshIntent, WanInterface } from './desired-state.ts';

export function sliceFirewall(
  config: Config,
  self: Router,
  parts: { wan: WanInterface[]; lan: LanInterface[]; links: LinkSlice[]; services: ServiceSlice[]; ssh: SshIntent | null; wgInterface: string },
): FirewallIntent {
  const openings = new Map<string, FirewallOpening>();
  const open = (protocol: 'tcp' | 'udp', port: number, family: 'ipv4' | 'ipv6' | 'any', why: string) => {
    const name = `dlan_${protocol}_${port}`;
    const prev = openings.get(name);
    if (!prev) {
      openings.set(name, { name, protocol, port, family, why });
      return;
    }
    const whys = prev.why.split(', ');
    openings.set(name, {
      ...prev,
      family: prev.family === family ? family : 'any',
      why: whys.includes(why) ? prev.why : `${prev.why}, ${why}`,
    });
  };
  // Only a router somebody dials needs its WireGuard port open; one that only dials out gets its
  // replies through connection tracking.
  const dialed = self.endpoint !== null || config.links.some((l) => l.routers.includes(self.name) && l.endpoints[self.name] !== undefined);
  // Roaming clients dial their home and egress routers (validation: both have an endpoint).
  const servesClients = config.clients.some((c) => c.home === self.name || c.egress === self.name);
  if (dialed && (parts.links.length > 0 || servesClients)) open('udp', config.wireguard.port, 'any', 'wireguard');
  if (parts.ssh?.fromWan) open('tcp', 22, 'any', 'ssh');
  for (const s of parts.services) {
    for (const l of s.listen) open(s.protocol, l.port, l.family, `service ${s.name}`);
  }
  return {
    wanInput: [...openings.values()].sort((a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : 1)),
    trustedDevices: ['lo', ...parts.lan.map((l) => l.device), parts.wgInterface, ...parts.links.map((l) => l.interface)],
    wanDevices: parts.wan.map((w) => w.device),
    masquerade: true,
    mssClamp: true,
  };
}
