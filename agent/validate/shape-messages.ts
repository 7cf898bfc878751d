// Plain-words explanations for a string that does not have the shape its `$defs` entry of the
// schema requires. Where a parser can say exactly what is wrong (an endpoint, a prefix), it does.
import { parseEndpoint, parseListen, parseUpstream } from '../config/parse-host-port.ts';
import { parseCidr, type Family } from '../base/address-arithmetic.ts';
import { parseIpValue } from '../base/ip-address.ts';
import { show } from '../base/findings.ts';

const DNS_LABEL = 'a DNS label: lower-case letters, digits and `-`, 1 to 63 characters, not starting or ending with `-`';

/** Explanation of why each shape rejects a value, by `$defs` name. */
const SHAPES: Record<string, string> = {
  routerName: `is not a valid router name: use ${DNS_LABEL}`,
  leaseName: `is not a valid host name: use ${DNS_LABEL}`,
  domain: 'is not a valid domain: use DNS labels (lower-case letters, digits and `-`) separated by dots, e.g. `lan` or `home.arpa`',
  recordName: 'is not a valid DNS name: labels of letters, digits, `-` and `_` (1 to 63 characters each) separated by dots',
  txtText: 'is not a valid TXT text: printable ASCII characters except `"` and `\\`, at most 255',
  ipAddress: 'is not an IPv4 or IPv6 address',
  ipv4Address: 'is not an IPv4 address (four numbers 0..255 separated by dots, e.g. 203.0.113.1)',
  ipv6Address: 'is not an IPv6 address (e.g. 2001:db8::1)',
  ipv4Cidr: 'is not an IPv4 prefix in CIDR form (e.g. 10.2.0.0/24)',
  ipv6Cidr: 'is not an IPv6 prefix in CIDR form (e.g. fd00:0:1::/64)',
  device: 'is not a valid device name: letters, digits, `_`, `.` and `-`, starting with a letter or digit, at most 15 characters (e.g. eth0, br-lan)',
  mac: 'is not a MAC address: six pairs of hex digits separated by `:` (e.g. 52:54:00:5a:bf:0b)',
  duid: 'is not a DUID: an even number (4 to 260) of hex digits without separators (e.g. 00010001265c6a195254005abf0b)',
  wireguardKey: 'is not a WireGuard public key: 44 base64 characters ending in `=` (32 bytes), as printed by `dlan-agent init`',
  endpoint: 'is not a valid endpoint: a host name, an IPv4 address or an [IPv6] address, with an optional `:port`',
  listen: 'is not a valid listen address: `PORT`, `A.B.C.D:PORT` or `[IPv6]:PORT`',
  upstream: 'is not a valid upstream: `host:port` with host a DNS name, an IPv4 address or an [IPv6] address',
  leaseTime: 'is not a lease time: seconds, or a number with a unit s, m, h, d or w (e.g. 12h), or `infinite`',
  serviceName: 'is not a valid service name: lower-case letters, digits, `_` and `-`, starting with a letter or digit, at most 32 characters',
  ageRecipient: 'is not an age recipient: `age1` followed by 58 bech32 characters, as printed by `dlan-agent init` (an `AGE-SECRET-KEY-1…` identity is private and never belongs in the config repo)',
  sshKey: 'is not an SSH public key line: `<type> <base64> [comment]` with type ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256/384/521, sk-ssh-ed25519@openssh.com or sk-ecdsa-sha2-nistp256@openssh.com; the comment may not hold quotes, `;`, `\\`, braces or control characters',
};

export function shapeNames(): string[] {
  return Object.keys(SHAPES);
}

export function describeShapeProblem(def: string | undefined, value: unknown, isName: boolean): string {
  const what = isName ? `name ${show(value)}` : show(value);
  const text = typeof value === 'string' ? value : '';
  const specific = def ? specificReason(def, text) : null;
  if (specific) return `${what} ${specific}`;
  return `${what} ${(def && SHAPES[def]) ?? 'has a form that is not allowed here'}`;
}

function specificReason(def: string, text: string): string | null {
  switch (def) {
    case 'endpoint': {
      const r = parseEndpoint(text, 1);
      return r.ok ? null : `is not a valid endpoint: ${r.reason}`;
    }
    case 'listen': {
      const r = parseListen(text);
      return r.ok ? null : `is not a valid listen address: ${r.reason}`;
    }
    case 'upstream': {
      const r = parseUpstream(text);
      return r.ok ? null : `is not a valid upstream: ${r.reason}`;
    }
    case 'ipv4Cidr':
      return cidrReason(text, 'ipv4');
    case 'ipv6Cidr':
      return cidrReason(text, 'ipv6');
    case 'sshKey':
      if (/PRIVATE KEY/.test(text)) return 'is a private key: only public keys (`ssh-ed25519 AAAA... comment`) belong in the config repo; remove it and replace the key';
      if (/^\S+="|^(no-|command=|from=|restrict)/.test(text)) return 'has options before the key type: only `<type> <base64> [comment]` is accepted';
      return null;
    case 'wireguardKey':
      if (text.length !== 44) return `is not a WireGuard public key: it has ${text.length} characters, a key has 44 (base64 ending in \`=\`)`;
      return null;
    default:
      return null;
  }
}

function cidrReason(text: string, family: Family): string | null {
  const slash = text.lastIndexOf('/');
  const label = family === 'ipv4' ? 'IPv4' : 'IPv6';
  if (slash < 0) {
    return parseIpValue(text, family) ? `needs a prefix length: write it in CIDR form, e.g. \`${text}/${family === 'ipv4' ? 24 : 64}\`` : null;
  }
  if (!parseIpValue(text.slice(0, slash), family)) return `is not an ${label} prefix: \`${text.slice(0, slash)}\` is not an ${label} address`;
  if (!parseCidr(text, family)) return `is not an ${label} prefix: the prefix length must be between 0 and ${family === 'ipv4' ? 32 : 128}`;
  return null;
}
