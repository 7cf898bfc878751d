// /etc/config/dhcp (dnsmasq) of one router. The stock anonymous dnsmasq section is adopted: dlan
// sets its own domain, the delegation of every other router's domain to that router's loopback,
// the upstreams and the interfaces; the stock tuning options stay. Per LAN a dhcp section (DHCPv4
// range, DHCPv6 + RA when the LAN has IPv6), host sections for static leases, hostrecords.
// Reverse DNS: dnsmasq.init has no PTR section, but a hostrecord (host-record=) answers A/AAAA
// and PTR; the router's name on its loopback and its lease names become hostrecords, the static
// records already are. Its own reverse zones are `server '/zone/'` (no address: answered here,
// never forwarded), other routers' zones `server '/zone/<loopback>'`.
import type { DesiredState, DnsIntent, LanInterface } from '../../../slice/desired-state.ts';
import type { RenderedSection, SectionSelector } from './rendered-uci.ts';

function nonEmpty(list: string[]): string[] | null {
  return list.length ? list : null;
}

function sanitize(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, '_');
}

function lanDhcp(l: LanInterface): RenderedSection {
  const d = l.dhcp;
  return {
    name: `dlan_${l.name}`,
    type: 'dhcp',
    options: d
      ? [
          ['interface', `dlan_${l.name}`],
          ['start', String(d.start)],
          ['limit', String(d.limit)],
          ['leasetime', d.leaseTime],
          // dnsmasq serves DHCPv6 and RA itself (dnsmasq-full, odhcpd disabled): see README.
          ['dhcpv6', d.ipv6 ? 'server' : null],
          ['ra', d.ipv6 ? 'server' : null],
        ]
      : [
          ['interface', `dlan_${l.name}`],
          ['ignore', '1'],
        ],
  };
}

function leases(l: LanInterface): RenderedSection[] {
  return l.leases.map((lease) =>
    lease.family === 'ipv4'
      ? {
          name: `dlan_${l.name}_v4_${lease.host}`,
          type: 'host',
          options: [
            ['name', lease.name],
            ['mac', lease.mac],
            ['ip', lease.address],
          ],
        }
      : {
          name: `dlan_${l.name}_v6_${lease.host}`,
          type: 'host',
          options: [
            ['name', lease.name],
            ['duid', lease.duid],
            // dnsmasq.init turns the hex host id into `[::<id>]` inside the LAN's prefix.
            ['hostid', lease.host.toString(16)],
          ],
        },
  );
}

/** TXT rdata in hex: one character-string (length byte, then the ASCII text). */
function txtHex(text: string): string {
  const bytes = [text.length, ...[...text].map((c) => c.charCodeAt(0))];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * CNAME, SRV, MX and TXT sections (dnsmasq.init: cname → cname=, srvhost → srv-host= with `class`
 * as the priority, mxhost → mx-host=). dnsmasq.init has no TXT section: TXT goes as a generic
 * `dnsrr` (→ dns-rr=<name>,16,<hex>), so the text never becomes dnsmasq syntax at all.
 */
function extraRecords(dns: DnsIntent, unique: (prefix: string, name: string) => string): RenderedSection[] {
  const section = (prefix: string, type: string, name: string, options: [string, string][]): RenderedSection => ({ name: unique(prefix, name), type, options });
  return [
    ...(dns.cnames ?? []).map((c) => section('dlan_cname', 'cname', c.name, [['cname', c.name], ['target', c.target]])),
    ...(dns.srv ?? []).map((r) =>
      section('dlan_srv', 'srvhost', r.name, [['srv', r.name], ['target', r.target], ['port', `${r.port}`], ['class', `${r.priority}`], ['weight', `${r.weight}`]]),
    ),
    ...(dns.mx ?? []).map((m) => section('dlan_mx', 'mxhost', m.name, [['domain', m.name], ['relay', m.target], ['pref', `${m.preference}`]])),
    ...(dns.txt ?? []).map((t) => section('dlan_txt', 'dnsrr', t.name, [['rrname', t.name], ['rrnumber', '16'], ['hexdata', txtHex(t.text)]])),
  ];
}

/**
 * host-record= takes one IPv4 and one IPv6 address (a further one replaces the first), so a name
 * with several addresses of a family needs several hostrecords: the i-th IPv4 with the i-th IPv6.
 */
function addressPairs(addresses: string[]): string[][] {
  const v4 = addresses.filter((a) => !a.includes(':'));
  const v6 = addresses.filter((a) => a.includes(':'));
  return Array.from({ length: Math.max(v4.length, v6.length) }, (_, i) => [...(v4[i] ? [v4[i]] : []), ...(v6[i] ? [v6[i]] : [])]);
}

/** PTR names that are not static records (the loopback's, the leases'), grouped by name in ptr order. */
function ownNames(dns: DnsIntent): { name: string; addresses: string[] }[] {
  const recorded = new Set(dns.records.flatMap((r) => r.addresses.map((a) => `${a} ${r.name}`)));
  const byName = new Map<string, string[]>();
  for (const p of dns.ptr ?? []) {
    if (!recorded.has(`${p.address} ${p.name}`)) byName.set(p.name, [...(byName.get(p.name) ?? []), p.address]);
  }
  return [...byName].map(([name, addresses]) => ({ name, addresses }));
}

export function renderUciDhcp(state: DesiredState): RenderedSection[] {
  const dns = state.dns;
  const listenDevices = [...state.lan.map((l) => l.device), state.wireguard.interface, ...state.links.map((l) => l.interface)];
  const out: RenderedSection[] = [
    {
      name: 'dlan_dnsmasq',
      type: 'dnsmasq',
      adopt: { type: 'dnsmasq', index: 0 },
      options: [
        ['domain', dns.localDomain],
        ['local', `/${dns.localDomain}/`],
        [
          'server',
          nonEmpty([
            ...dns.upstreams,
            ...dns.delegations.map((d) => `/${d.domain}/${d.server}`),
            ...(dns.reverseZones ?? []).map((z) => `/${z}/`),
            ...(dns.reverseDelegations ?? []).map((d) => `/${d.zone}/${d.server}`),
          ]),
        ],
        // Answers from other routers carry private addresses: allowed for their domains only.
        ['rebind_domain', dns.delegations.length ? dns.delegations.map((d) => d.domain) : null],
        ['noresolv', dns.upstreams.length ? '1' : null],
        // Stock `localservice 1` refuses queries from non-local subnets, i.e. every delegated query
        // from a router more than one hop away; `interface` below keeps the WAN out instead.
        ['localservice', '0'],
        ['interface', listenDevices],
        ['listen_address', nonEmpty([...dns.listenAddresses])],
      ],
    },
  ];
  for (const w of state.wan) {
    out.push({
      name: `dlan_${w.name}`,
      type: 'dhcp',
      options: [
        ['interface', `dlan_${w.name}`],
        ['ignore', '1'],
      ],
    });
  }
  for (const l of state.lan) out.push(lanDhcp(l));
  for (const l of state.lan) out.push(...leases(l));
  const used = new Set<string>();
  const unique = (prefix: string, name: string) => {
    let id = `${prefix}_${sanitize(name)}`;
    for (let i = 2; used.has(id); i++) id = `${prefix}_${sanitize(name)}_${i}`;
    used.add(id);
    return id;
  };
  const hostrecords = (prefix: string, name: string, addresses: string[]) =>
    addressPairs(addresses).map((ip): RenderedSection => ({ name: unique(prefix, name), type: 'hostrecord', options: [['name', name], ['ip', ip]] }));
  for (const o of ownNames(dns)) out.push(...hostrecords('dlan_ptr', o.name, o.addresses));
  for (const r of dns.records) out.push(...hostrecords('dlan_rec', r.name, r.addresses));
  out.push(...extraRecords(dns, unique));
  return out;
}

/** The stock per-interface dhcp sections of the replaced `lan` and `wan` interfaces. */
export const DHCP_TAKEOVER: SectionSelector[] = [
  { type: 'dhcp', name: 'lan' },
  { type: 'dhcp', name: 'wan' },
];
