// WAN and LAN interfaces of one router: static addresses, DHCP ranges and static leases.
import type { DhcpSettings, Lan, WanConfig } from '../config/config-types.ts';
import { addressAt, ipv4Netmask, parsePrefix, prefixSize } from '../base/address-arithmetic.ts';
import type { DhcpIntent, LanInterface, LeaseSlice, WanInterface } from './desired-state.ts';

function staticAddress(cidr: string | undefined, gateway: string | undefined) {
  if (cidr === undefined) return null;
  const slash = cidr.lastIndexOf('/');
  const addr = cidr.slice(0, slash);
  const prefix = Number(cidr.slice(slash + 1));
  // Canonical text of the address itself (host bits kept).
  const canonical = parsePrefix(`${addr}/${addr.includes(':') ? 128 : 32}`).network;
  return { address: canonical, prefix, gateway: gateway ?? null };
}

export function sliceWan(wan: WanConfig[]): WanInterface[] {
  return wan.map((w, i) => ({
    name: `wan${i}`,
    device: w.device,
    mac: w.mac ?? null,
    ipv4: staticAddress(w.ipv4, w.gateway_ipv4),
    ipv6: staticAddress(w.ipv6, w.gateway_ipv6),
  }));
}

/**
 * The dynamic range. Defaults (start 100, limit 150) are clipped to the subnet: in a subnet smaller
 * than a /24 the range is the upper half of the usable addresses. Validation has already rejected
 * explicit values that do not fit, so a range that does not fit here comes from the defaults.
 */
export function dhcpRange(network: string, prefix: number, dhcp: DhcpSettings, ipv6: boolean): DhcpIntent {
  const p = parsePrefix(`${network}/${prefix}`);
  const usable = Number(prefixSize(p) - 2n);
  let { start, limit } = dhcp;
  if (start + limit - 1 > usable) {
    if (start > usable || prefix > 24) {
      start = Math.floor(usable / 2) + 1;
      limit = usable - start + 1;
    } else {
      limit = usable - start + 1;
    }
  }
  return {
    start,
    limit,
    rangeStart: addressAt(p, BigInt(start)),
    rangeEnd: addressAt(p, BigInt(start + limit - 1)),
    leaseTime: dhcp.lease_time,
    ipv6,
  };
}

export function sliceLan(lans: Lan[]): LanInterface[] {
  return lans.map((lan, i) => {
    const v4 = parsePrefix(lan.ipv4);
    const v6 = lan.ipv6 === null ? null : parsePrefix(lan.ipv6);
    const leases: LeaseSlice[] = [];
    for (const l of lan.leases) {
      if ('mac' in l) {
        leases.push({ family: 'ipv4', mac: l.mac.toLowerCase(), host: l.host, name: l.name, address: addressAt(v4, BigInt(l.host)) });
      } else if (v6 !== null) {
        leases.push({ family: 'ipv6', duid: l.duid.toLowerCase(), host: l.host, name: l.name, address: addressAt(v6, BigInt(l.host)) });
      }
    }
    leases.sort((a, b) => (a.family === b.family ? a.host - b.host : a.family === 'ipv4' ? -1 : 1));
    return {
      name: `lan${i}`,
      device: lan.device,
      mac: lan.mac,
      ipv4: { network: v4.network, prefix: v4.prefix, cidr: `${v4.network}/${v4.prefix}`, address: addressAt(v4, 1n), netmask: ipv4Netmask(v4.prefix) },
      ipv6: v6 === null ? null : { network: v6.network, prefix: v6.prefix, cidr: `${v6.network}/${v6.prefix}`, address: addressAt(v6, 1n) },
      dhcp: lan.dhcp === null ? null : dhcpRange(v4.network, v4.prefix, lan.dhcp, v6 !== null),
      leases,
    };
  });
}
