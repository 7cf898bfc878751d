// nginx configuration of one router's exposed services: one upstream and one server per service,
// inside a `stream {}` block (TCP/UDP load balancing). The backend decides where the block goes and
// loads the stream module; this file is identical on OpenWrt and Debian.
import type { DesiredState, ListenSlice, ServiceSlice } from '../../slice/desired-state.ts';
import { safeHost, safeInt, safeName, safePrefix } from '../../base/safe-token.ts';

/** An unresolved `host:port` as written in the config, checked before it lands in a comment. */
function hostPortText(text: string): string {
  const colon = text.lastIndexOf(':');
  return `${safeHost(text.slice(0, colon))}:${safeInt(Number(text.slice(colon + 1)), 1, 65535)}`;
}

function hostPort(host: string, port: number): string {
  const h = safeHost(host);
  return `${h.includes(':') ? `[${h}]` : h}:${safeInt(port, 1, 65535)}`;
}

function listenDirective(l: ListenSlice, protocol: 'tcp' | 'udp'): string {
  const port = safeInt(l.port, 1, 65535);
  let where: string;
  if (l.family === 'ipv6') where = `[${safeHost(l.address ?? '::')}]:${port}`;
  else where = l.address === null ? port : `${safeHost(l.address)}:${port}`;
  // reuseport lets every worker take UDP datagrams; each listen needs it only once per address.
  return protocol === 'udp' ? `\t\tlisten ${where} udp reuseport;` : `\t\tlisten ${where};`;
}

function serviceBlocks(s: ServiceSlice): string[] {
  const upstream = `dlan_${safeName(s.name)}`;
  const unresolved = (s.unresolvedUpstreams ?? []).map((u) => `\t# ${upstream}: left out, does not resolve: ${hostPortText(u)}`);
  // nginx refuses an upstream block without servers: a service whose every upstream is unresolved
  // is not served until one resolves (the agent reports it).
  if (s.upstreams.length === 0) return [...unresolved, `\t# ${upstream}: not served, no upstream resolves`];
  return [
    ...unresolved,
    `\tupstream ${upstream} {`,
    ...s.upstreams.map((u) => `\t\tserver ${hostPort(u.host, u.port)};`),
    '\t}',
    '',
    '\tserver {',
    ...s.listen.map((l) => listenDirective(l, s.protocol)),
    `\t\tproxy_pass ${upstream};`,
    ...(s.protocol === 'tcp' ? [`\t\tproxy_protocol ${s.proxyProtocol ? 'on' : 'off'};`, '\t\tproxy_connect_timeout 3s;'] : []),
    '\t\tproxy_timeout 1m;',
    '\t}',
  ];
}

/** The `stream {}` block. With no service it is an empty block, so the file always exists. */
export function renderNginxStreamConf(state: DesiredState): string {
  const lines = [`# nginx stream services of dlan router ${state.router}, written by dlan-agent: local edits are overwritten.`, 'stream {'];
  state.services.forEach((s, i) => {
    if (i > 0) lines.push('');
    lines.push(...serviceBlocks(s));
  });
  lines.push('}', '');
  return lines.join('\n');
}

/**
 * An http `server {}` answering nginx's stub_status to the LANs (and the router itself) only, or
 * `null` when monitoring is off or the router has no LAN. It binds the wildcard address (binding a
 * LAN address would fail whenever nginx starts before that address is up) and filters by source:
 * the WAN is refused here and, independently, by the firewall, which never opens this port.
 */
export function renderNginxStatusServer(state: DesiredState): string | null {
  const port = state.monitoring.nginxStatusPort;
  if (port === null || state.lan.length === 0) return null;
  const p = safeInt(port, 1, 65535);
  const lines = [`# nginx status of dlan router ${state.router}, written by dlan-agent.`, 'server {', `\tlisten ${p};`, `\tlisten [::]:${p};`];
  lines.push('\tallow 127.0.0.1;', '\tallow ::1;');
  for (const lan of state.lan) {
    lines.push(`\tallow ${safePrefix(lan.ipv4.cidr)};`);
    if (lan.ipv6) lines.push(`\tallow ${safePrefix(lan.ipv6.cidr)};`);
  }
  lines.push('\tdeny all;', '\tlocation / {', '\t\tstub_status;', '\t}', '}', '');
  return lines.join('\n');
}
