// bird.conf of one router (BIRD 2, identical on OpenWrt and Debian).
// Two OSPFv3 instances, one per address family (OSPFv3 carries IPv4 per RFC 5838; BIRD picks the
// instance ids). LAN devices are stubs and the loopback is a stub network: their prefixes are
// advertised, no adjacency is formed there. Each VXLAN link is point-to-point with the link's cost. wg0 is never
// part of OSPF: advertising the tunnel addresses would route WireGuard's own packets into VXLAN.
import type { DesiredState } from '../../slice/desired-state.ts';
import { safeInt, safeInterface, safePrefix } from '../../base/safe-token.ts';

function areaInterfaces(state: DesiredState, channel: 'ipv4' | 'ipv6'): string[] {
  // BIRD ignores loopback devices, so the loopback address is a stub network of the area.
  const lines: string[] = [`\t\tstubnet ${safePrefix(state.ospf.loopbackPrefixes[channel])};`];
  // Roaming clients at home here: reachable through wg0, advertised like the loopback.
  for (const prefix of state.ospf.clientPrefixes?.[channel] ?? []) lines.push(`\t\tstubnet ${safePrefix(prefix)};`);
  for (const dev of state.ospf.stubInterfaces) {
    lines.push(`\t\tinterface "${safeInterface(dev)}" {`, '\t\t\tstub yes;', '\t\t};');
  }
  for (const ptp of state.ospf.ptpInterfaces) {
    lines.push(
      `\t\tinterface "${safeInterface(ptp.interface)}" {`,
      '\t\t\ttype ptp;',
      `\t\t\tcost ${safeInt(ptp.cost, 1, 65535)};`,
      `\t\t\thello ${safeInt(state.ospf.hello, 1, 65535)};`,
      `\t\t\tdead ${safeInt(state.ospf.dead, 2, 65535)};`,
      ...(ptp.bfd ? ['\t\t\tbfd yes;'] : []),
      '\t\t};',
    );
  }
  return lines;
}

function ospfInstance(state: DesiredState, name: string, channel: 'ipv4' | 'ipv6'): string[] {
  return [
    `protocol ospf v3 ${name} {`,
    `\t${channel} {`,
    '\t\timport all;',
    '\t\texport none;',
    '\t};',
    '\tarea 0 {',
    ...areaInterfaces(state, channel),
    '\t};',
    '}',
  ];
}

function kernelProtocol(name: string, channel: 'ipv4' | 'ipv6', state?: DesiredState): string[] {
  // Roaming clients this router serves keep their direct route to wg0: the OSPF route to them
  // (learned from their home router) is not installed here, whatever the kernel metrics.
  const clients = (state?.wireguard.clients ?? []).flatMap((c) => c.allowedIps.filter((p) => p.includes(':') === (channel === 'ipv6')).map(safePrefix));
  return [
    `protocol kernel ${name} {`,
    `\t${channel} {`,
    '\t\timport none;',
    clients.length ? `\t\texport where source = RTS_OSPF && net !~ [ ${clients.join(', ')} ];` : '\t\texport where source = RTS_OSPF;',
    '\t};',
    '\tmerge paths on;',
    '}',
  ];
}

export function renderBirdConf(state: DesiredState): string {
  const bfdLinks = state.ospf.ptpInterfaces.filter((p) => p.bfd);
  const lines = [
    `# bird.conf for dlan router ${state.router}, written by dlan-agent: local edits are overwritten.`,
    'log syslog all;',
    `router id ${state.ospf.routerId};`,
    '',
    'protocol device {',
    '\tscan time 10;',
    '}',
    '',
    ...kernelProtocol('dlan_kernel4', 'ipv4', state),
    '',
    ...kernelProtocol('dlan_kernel6', 'ipv6', state),
    '',
  ];
  if (bfdLinks.length > 0) {
    lines.push('protocol bfd dlan_bfd {');
    for (const p of bfdLinks) {
      const timers = p.bfdTimers ?? state.ospf.bfd;
      lines.push(
        `\tinterface "${safeInterface(p.interface)}" {`,
        `\t\tinterval ${safeInt(timers.intervalMs, 10, 60000)} ms;`,
        `\t\tmultiplier ${safeInt(timers.multiplier, 1, 255)};`,
        '\t};',
      );
    }
    lines.push('}', '');
  }
  lines.push(...ospfInstance(state, 'dlan_ospf4', 'ipv4'), '', ...ospfInstance(state, 'dlan_ospf6', 'ipv6'), '');
  return lines.join('\n');
}
