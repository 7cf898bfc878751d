// Computes the desired state of one router from the validated mesh config. Pure and deterministic:
// the same config and router name always give the same structure, field order included.
import type { Config } from '../config/config-types.ts';
import type { DesiredState, SshIntent } from './desired-state.ts';
import { routerAddresses } from './mesh-addresses.ts';
import { sliceDns, routerDomain } from './slice-dns.ts';
import { sliceFirewall } from './slice-firewall.ts';
import { sliceLan, sliceWan } from './slice-interfaces.ts';
import { sliceLinks } from './slice-links.ts';
import { sliceServices } from './slice-services.ts';
import { sliceClients, withClientRecords } from './slice-clients.ts';

export const WIREGUARD_INTERFACE = 'wg0';

export class UnknownRouterError extends Error {
  constructor(readonly router: string, readonly known: string[]) {
    super(`router \`${router}\` is not in the config (routers: ${known.join(', ') || 'none'})`);
    this.name = 'UnknownRouterError';
  }
}

export function sliceRouter(config: Config, routerName: string): DesiredState {
  const self = config.routers.find((r) => r.name === routerName);
  if (!self) throw new UnknownRouterError(routerName, config.routers.map((r) => r.name));
  const addr = routerAddresses(config, self.id);
  const wan = sliceWan(self.wan);
  const lan = sliceLan(self.lan);
  const { links, peers } = sliceLinks(config, self);
  const services = sliceServices(config, self);
  const clients = sliceClients(config, self);
  const ssh: SshIntent | null =
    config.admin.ssh_keys === null ? null : { authorizedKeys: [...config.admin.ssh_keys], fromWan: config.admin.ssh_from_wan, passwordAuth: false };
  const bfdAnywhere = links.some((l) => l.bfd);
  return {
    schema: 1,
    router: self.name,
    id: self.id,
    hostname: self.name,
    domain: config.domain,
    localDomain: routerDomain(config, self.name),
    loopback: { ipv4: addr.loopbackIpv4, ipv6: addr.loopbackIpv6 },
    wan,
    lan,
    wireguard: {
      interface: WIREGUARD_INTERFACE,
      listenPort: config.wireguard.port,
      mtu: config.wireguard.mtu,
      addresses: { ipv4: `${addr.tunnelIpv4}/${addr.tunnelPrefixIpv4}`, ipv6: `${addr.tunnelIpv6}/${addr.tunnelPrefixIpv6}` },
      publicKey: self.public_key,
      peers,
      ...(clients.peers ? { clients: clients.peers } : {}),
    },
    links,
    ospf: {
      routerId: addr.loopbackIpv4,
      hello: config.ospf.hello,
      dead: config.ospf.dead,
      stubInterfaces: lan.map((l) => l.device),
      loopbackPrefixes: { ipv4: `${addr.loopbackIpv4}/32`, ipv6: `${addr.loopbackIpv6}/128` },
      ...(clients.clientPrefixes ? { clientPrefixes: clients.clientPrefixes } : {}),
      ptpInterfaces: links.map((l) => ({ interface: l.interface, cost: l.cost, bfd: l.bfd, ...(l.bfdTimers ? { bfdTimers: l.bfdTimers } : {}) })),
      bfd: { enabled: bfdAnywhere, intervalMs: config.ospf.bfd_interval, multiplier: config.ospf.bfd_multiplier },
    },
    dns: withClientRecords(sliceDns(config, self), clients.dnsRecords),
    services,
    firewall: {
      ...sliceFirewall(config, self, { wan, lan, links, services, ssh, wgInterface: WIREGUARD_INTERFACE }),
      ...(clients.clientEgress ? { clientEgress: clients.clientEgress } : {}),
    },
    ssh,
    monitoring: { nginxStatusPort: config.monitoring.nginx_status_port },
    isolated: config.routers.length > 1 && links.length === 0,
  };
}
