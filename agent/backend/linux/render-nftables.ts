// nftables ruleset of one router on Linux: one table, `inet dlan`, owned entirely by dlan-agent.
// It only ever drops traffic coming in from (or forwarded to) the WAN devices: other interfaces
// (a management port, a container bridge) are left to whatever other tables say.
// Loaded with `nft -f`: the file first declares the table (so the delete never fails), deletes it and
// recreates it, all in one netlink transaction — a reload is atomic and a failed load changes nothing.
import type { DesiredState, FirewallOpening } from '../../slice/desired-state.ts';
import { safeInt, safeInterface, safeName, safeNftComment, safePrefix } from '../../base/safe-token.ts';
import { fnv1a } from '../../base/fnv1a.ts';

export const NFT_TABLE = { family: 'inet', name: 'dlan' } as const;

/** `"eth0"` or `{ "eth0", "eth1" }`; null for no device (an empty anonymous set is a syntax error). */
function deviceSet(devices: readonly string[]): string | null {
  const unique = [...new Set(devices)].map((d) => `"${safeInterface(d)}"`);
  if (unique.length === 0) return null;
  return unique.length === 1 ? unique[0]! : `{ ${unique.join(', ')} }`;
}

/** `10.1.2.1` or `{ 10.1.2.1, 10.1.2.2 }` (host addresses, without the /32 or /128); null for none. */
function addressSet(cidrs: readonly string[]): string | null {
  const hosts = cidrs.map((c) => safePrefix(c).replace(/\/(32|128)$/, ''));
  if (hosts.length === 0) return null;
  return hosts.length === 1 ? hosts[0]! : `{ ${hosts.join(', ')} }`;
}

function openingRule(o: FirewallOpening): string {
  const family = o.family === 'ipv4' ? 'meta nfproto ipv4 ' : o.family === 'ipv6' ? 'meta nfproto ipv6 ' : '';
  const proto = o.protocol === 'tcp' ? 'tcp' : 'udp';
  return `\t\t${family}${proto} dport ${safeInt(o.port, 1, 65535)} accept comment "${safeNftComment(safeName(o.name))}"`;
}

/** The comment the loaded table carries: lets `plan` see that the kernel has this exact ruleset. */
export function tableComment(router: string, body: string): string {
  return safeNftComment(`dlan ${safeName(router)} ${fnv1a(body)}`);
}

function tableBody(state: DesiredState): string[] {
  const fw = state.firewall;
  const wan = deviceSet(fw.wanDevices);
  const trusted = deviceSet(fw.trustedDevices);
  const lan = deviceSet(state.lan.map((l) => l.device));
  const tunnels = [state.wireguard.interface, ...state.links.map((l) => l.interface)];
  const clamp = deviceSet([...fw.wanDevices, ...tunnels]);
  const b: string[] = [];

  b.push('\tchain input {', '\t\ttype filter hook input priority filter; policy accept;');
  if (wan) b.push(`\t\tiifname ${wan} jump wan_input`);
  b.push('\t}', '');

  // The WAN's input policy is drop: what is not answered, opened or needed by the stack ends here.
  b.push('\tchain wan_input {', '\t\tct state established,related accept', '\t\tct state invalid drop');
  b.push('\t\tmeta l4proto icmp accept', '\t\tmeta l4proto ipv6-icmp accept');
  b.push('\t\tip6 saddr fe80::/10 udp dport 546 accept comment "dhcpv6 client"');
  for (const o of fw.wanInput) b.push(openingRule(o));
  b.push('\t\tdrop', '\t}', '');

  b.push('\tchain forward_filter {', '\t\ttype filter hook forward priority filter; policy accept;', '\t\tct state established,related accept');
  if (trusted) b.push(`\t\tiifname ${trusted} oifname ${trusted} accept`);
  if (lan && wan) b.push(`\t\tiifname ${lan} oifname ${wan} accept`);
  const clients4 = addressSet(fw.clientEgress?.ipv4 ?? []);
  const clients6 = addressSet(fw.clientEgress?.ipv6 ?? []);
  const wg = `"${safeInterface(state.wireguard.interface)}"`;
  // Roaming clients with this router as egress: their internet traffic leaves through the WAN.
  if (clients4 && wan) b.push(`\t\tiifname ${wg} oifname ${wan} ip saddr ${clients4} accept`);
  if (clients6 && wan) b.push(`\t\tiifname ${wg} oifname ${wan} ip6 saddr ${clients6} accept`);
  if (wan) b.push('\t\tct status dnat accept', `\t\tiifname ${wan} drop`, `\t\toifname ${wan} drop`);
  b.push('\t}', '');

  if (fw.mssClamp && clamp) {
    // Both directions, like fw4's mtu_fix: hosts with PMTU discovery off still get a right MSS.
    b.push('\tchain mss_clamp {', '\t\ttype filter hook forward priority mangle; policy accept;');
    b.push(`\t\toifname ${clamp} tcp flags syn / syn,rst tcp option maxseg size set rt mtu`);
    b.push(`\t\tiifname ${clamp} tcp flags syn / syn,rst tcp option maxseg size set rt mtu`);
    b.push('\t}', '');
  }

  if (fw.masquerade && wan) {
    b.push('\tchain srcnat {', '\t\ttype nat hook postrouting priority srcnat; policy accept;');
    b.push(`\t\toifname ${wan} meta nfproto ipv4 masquerade`);
    // The client pool's IPv6 is a ULA: not routable on the internet without it.
    if (clients6) b.push(`\t\toifname ${wan} ip6 saddr ${clients6} masquerade`);
    b.push('\t}', '');
  }
  if (b[b.length - 1] === '') b.pop();
  return b;
}

export function renderNftRuleset(state: DesiredState): string {
  const body = tableBody(state);
  const comment = tableComment(state.router, body.join('\n'));
  return [
    `# nftables ruleset of dlan router ${safeName(state.router)}, written by dlan-agent: local edits are overwritten.`,
    '# Atomic reload: declare, delete and recreate the table in one transaction (nft -f).',
    `table ${NFT_TABLE.family} ${NFT_TABLE.name}`,
    `delete table ${NFT_TABLE.family} ${NFT_TABLE.name}`,
    '',
    `table ${NFT_TABLE.family} ${NFT_TABLE.name} {`,
    `\tcomment "${comment}"`,
    '',
    ...body,
    '}',
    '',
  ].join('\n');
}
