// A compact, human-readable view of one router's desired state (`render` without --json, `demo`).
import type { DesiredState } from '../slice/desired-state.ts';

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd());
}

export function formatSliceSummary(s: DesiredState): string {
  const out: string[] = [];
  out.push(`router ${s.router} (id ${s.id}), domain ${s.localDomain}${s.isolated ? '  [isolated: no links]' : ''}`);
  out.push(`  loopback   ${s.loopback.ipv4}  ${s.loopback.ipv6}`);
  out.push(`  wireguard  ${s.wireguard.interface} ${s.wireguard.addresses.ipv4} ${s.wireguard.addresses.ipv6} port ${s.wireguard.listenPort} mtu ${s.wireguard.mtu}`);
  for (const w of s.wan) {
    const v4 = w.ipv4 ? `${w.ipv4.address}/${w.ipv4.prefix}${w.ipv4.gateway ? ` via ${w.ipv4.gateway}` : ''}` : 'dhcp';
    const v6 = w.ipv6 ? `${w.ipv6.address}/${w.ipv6.prefix}${w.ipv6.gateway ? ` via ${w.ipv6.gateway}` : ''}` : 'dhcpv6';
    out.push(`  ${w.name.padEnd(10)} ${w.device}: ${v4}, ${v6}`);
  }
  for (const l of s.lan) {
    const dhcp = l.dhcp ? `dhcp ${l.dhcp.rangeStart}-${l.dhcp.rangeEnd} ${l.dhcp.leaseTime}${l.dhcp.ipv6 ? ' +dhcpv6/ra' : ''}` : 'no dhcp';
    out.push(`  ${l.name.padEnd(10)} ${l.device}: ${l.ipv4.address}/${l.ipv4.prefix}${l.ipv6 ? ` ${l.ipv6.address}/${l.ipv6.prefix}` : ''}, ${dhcp}`);
    for (const lease of l.leases) {
      out.push(`    lease ${lease.name}.${s.localDomain} ${lease.address} (${lease.family === 'ipv4' ? `mac ${lease.mac}` : `duid ${lease.duid}`})`);
    }
  }
  if (s.links.length > 0) {
    out.push('  links:');
    const rows = [['    peer', 'device', 'vni', 'transit', 'cost', 'mtu', 'dials']];
    for (const l of s.links) {
      const peer = s.wireguard.peers.find((p) => p.router === l.peer)!;
      const dial = peer.endpoint ? `${peer.endpoint.host.includes(':') ? `[${peer.endpoint.host}]` : peer.endpoint.host}:${peer.endpoint.port}` : '-';
      rows.push([`    ${l.peer}`, l.interface, String(l.vni), l.transit.address, String(l.cost), String(l.mtu), dial]);
    }
    out.push(...table(rows));
  }
  out.push(`  dns        ${s.dns.delegations.map((d) => `${d.domain}→${d.server}`).join(' ') || '(no other routers)'}`);
  for (const svc of s.services) {
    out.push(`  service    ${svc.name} ${svc.protocol} ${svc.listen.map((l) => l.raw).join(',')} → ${svc.upstreams.map((u) => `${u.host}:${u.port}`).join(',')}${svc.proxyProtocol ? ' (proxy protocol)' : ''}`);
  }
  out.push(`  wan opens  ${s.firewall.wanInput.map((o) => `${o.protocol}/${o.port}`).join(' ') || 'nothing'}`);
  return `${out.join('\n')}\n`;
}
