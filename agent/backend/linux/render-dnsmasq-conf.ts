// dnsmasq configuration of one router on Linux, in three files:
//  - the main file (Debian's conf-dir /etc/dnsmasq.d): listening, upstreams, the router's own domain,
//    delegation of every other router's domain to its loopback, DHCP ranges and router advertisements;
//  - an addn-hosts file with the router's own name on its loopback, the names of its static leases
//    and the static records (several addresses per name are all returned); a hosts line answers
//    the reverse query too, so this file is also where most PTRs come from;
//  - a dhcp-hostsfile with the static leases (by MAC for IPv4, by DUID for IPv6).
// Records and leases sit in their own files because SIGHUP makes dnsmasq re-read those two but NOT
// the main file: a lease or record change is then a reload, only a main-file change a restart.
import type { DesiredState, DnsIntent, LanInterface } from '../../slice/desired-state.ts';
import { reverseName } from '../../model/reverse-dns.ts';
import { safeAddress, safeDnsName, safeDuid, safeInt, safeInterface, safeLeaseTime, safeMac, safeName, safeTxtText } from '../../base/safe-token.ts';

export interface DnsmasqFiles {
  conf: string;
  hosts: string;
  dhcpHosts: string;
}

export interface DnsmasqPaths {
  hosts: string;
  dhcpHosts: string;
  leases: string;
}

function header(state: DesiredState, what: string): string {
  return `# ${what} of dlan router ${safeName(state.router)}, written by dlan-agent: local edits are overwritten.`;
}

function dhcpLines(lan: LanInterface): string[] {
  if (lan.dhcp === null) return [];
  const dev = safeInterface(lan.device);
  const tag = safeName(lan.name);
  const lease = safeLeaseTime(lan.dhcp.leaseTime);
  const lines = [
    `dhcp-range=set:${tag},${safeAddress(lan.dhcp.rangeStart, 'ipv4')},${safeAddress(lan.dhcp.rangeEnd, 'ipv4')},${safeAddress(lan.ipv4.netmask, 'ipv4')},${lease}`,
  ];
  if (lan.dhcp.ipv6 && lan.ipv6 !== null) {
    // Same host numbers as the IPv4 range, in the LAN's /64 (constructor: takes the prefix from the
    // device). slaac: RAs also allow autoconfiguration; ra-names: SLAAC hosts get a name from
    // their DHCPv4 lease.
    const first = safeInt(lan.dhcp.start, 1, 2 ** 31);
    const last = safeInt(lan.dhcp.start + lan.dhcp.limit - 1, 1, 2 ** 31);
    const hex = (n: string) => Number(n).toString(16);
    lines.push(
      `dhcp-range=set:${tag},::${hex(first)},::${hex(last)},constructor:${dev},ra-names,slaac,${safeInt(lan.ipv6.prefix, 64, 64)},${lease}`,
    );
  }
  return lines;
}

/** CNAME, SRV, TXT and MX records: main-file options (no block at all when there are none). */
function extraRecordLines(dns: DnsIntent): string[] {
  const port = (n: number) => safeInt(n, 0, 65535);
  const lines = [
    ...(dns.cnames ?? []).map((c) => `cname=${safeDnsName(c.name)},${safeDnsName(c.target)}`),
    ...(dns.srv ?? []).map((s) => `srv-host=${safeDnsName(s.name)},${safeDnsName(s.target)},${port(s.port)},${port(s.priority)},${port(s.weight)}`),
    // Quoted: a comma or `#` in the text stays text; `"` and `\` cannot occur (safeTxtText).
    ...(dns.txt ?? []).map((t) => `txt-record=${safeDnsName(t.name)},"${safeTxtText(t.text)}"`),
    ...(dns.mx ?? []).map((m) => `mx-host=${safeDnsName(m.name)},${safeDnsName(m.target)},${port(m.preference)}`),
  ];
  return lines.length ? ['', '# Static CNAME, SRV, TXT and MX records', ...lines] : [];
}

/**
 * Reverse DNS in the main file: this router's reverse zones answered here (local=: NXDOMAIN for an
 * unknown address, never asked upstream), every other router's zones asked to its loopback, and
 * ptr-record= for an address with several names: a hosts file answers only its first name there,
 * a ptr-record replaces that answer with the full list.
 */
function reverseLines(dns: DnsIntent): string[] {
  const byAddress = new Map<string, string[]>();
  for (const p of dns.ptr ?? []) byAddress.set(p.address, [...(byAddress.get(p.address) ?? []), p.name]);
  const lines = [
    ...(dns.reverseZones ?? []).map((z) => `local=/${safeDnsName(z)}/`),
    ...(dns.reverseDelegations ?? []).map((d) => `server=/${safeDnsName(d.zone)}/${safeAddress(d.server)}`),
    ...[...byAddress].filter(([, names]) => names.length > 1).flatMap(([address, names]) => {
      const rev = safeDnsName(reverseName(safeAddress(address)));
      return names.map((n) => `ptr-record=${rev},${safeDnsName(n)}`);
    }),
  ];
  return lines.length ? ['', "# Reverse DNS: this router's zones answered here, other routers' zones asked to their loopback", ...lines] : [];
}

/** PTR names that are not static records (the loopback's, the leases'): hosts lines, forward and reverse. */
function ownHostLines(dns: DnsIntent): string[] {
  const recorded = new Set(dns.records.flatMap((r) => r.addresses.map((a) => `${a} ${r.name}`)));
  return (dns.ptr ?? []).filter((p) => !recorded.has(`${p.address} ${p.name}`)).map((p) => `${safeAddress(p.address)} ${safeDnsName(p.name)}`);
}

export function renderDnsmasqFiles(state: DesiredState, paths: DnsmasqPaths): DnsmasqFiles {
  const dns = state.dns;
  const local = safeDnsName(dns.localDomain);
  const conf: string[] = [header(state, 'dnsmasq configuration'), ''];

  conf.push('# Upstream resolvers', 'domain-needed');
  if (dns.upstreams.length > 0) {
    conf.push('no-resolv', ...dns.upstreams.map((u) => `server=${safeAddress(u)}`));
  } else {
    conf.push('# none configured: the resolvers of /etc/resolv.conf (learned on the WAN)');
  }

  conf.push('', `# This router's domain: answered here, never forwarded`, `local=/${local}/`, `domain=${local}`, 'expand-hosts');
  conf.push(`addn-hosts=${paths.hosts}`);
  conf.push(...extraRecordLines(dns));

  if (dns.delegations.length > 0) {
    // rebind-domain-ok: delegated answers are private addresses by design; harmless when
    // stop-dns-rebind is off, necessary when another conf-dir file turns it on.
    conf.push('', "# Other routers' domains, asked to their loopback");
    for (const d of dns.delegations) {
      const domain = safeDnsName(d.domain);
      conf.push(`server=/${domain}/${safeAddress(d.server)}`, `rebind-domain-ok=/${domain}/`);
    }
  }
  conf.push(...reverseLines(dns));

  // bind-dynamic: one socket per address, following addresses as they come and go (a LAN device
  // that appears later, the loopback added by dlan), and no clash with another resolver bound to
  // another address (e.g. 127.0.0.53). The loopback device is added by dnsmasq itself.
  conf.push('', '# Where it answers', 'bind-dynamic');
  for (const lan of state.lan) conf.push(`interface=${safeInterface(lan.device)}`);
  for (const a of dns.listenAddresses) conf.push(`listen-address=${safeAddress(a)}`);

  const dhcp = state.lan.flatMap(dhcpLines);
  if (dhcp.length > 0) {
    conf.push('', '# DHCPv4, DHCPv6 and router advertisements', `dhcp-leasefile=${paths.leases}`, 'dhcp-authoritative');
    conf.push(...dhcp);
    if (state.lan.some((l) => l.dhcp?.ipv6 && l.ipv6 !== null)) conf.push('enable-ra');
    conf.push(`dhcp-hostsfile=${paths.dhcpHosts}`);
  }
  conf.push('');

  const hosts: string[] = [header(state, 'static DNS records'), ''];
  hosts.push(...ownHostLines(dns));
  for (const r of dns.records) {
    const name = safeDnsName(r.name);
    for (const a of r.addresses) hosts.push(`${safeAddress(a)} ${name}`);
  }
  hosts.push('');

  const dhcpHosts: string[] = [header(state, 'static DHCP leases'), ''];
  for (const lan of state.lan) {
    for (const l of lan.leases) {
      const name = safeDnsName(l.name);
      if (l.family === 'ipv4') dhcpHosts.push(`${safeMac(l.mac)},${safeAddress(l.address, 'ipv4')},${name}`);
      else dhcpHosts.push(`id:${safeDuid(l.duid)},[${safeAddress(l.address, 'ipv6')}],${name}`);
    }
  }
  dhcpHosts.push('');

  return { conf: conf.join('\n'), hosts: hosts.join('\n'), dhcpHosts: dhcpHosts.join('\n') };
}
