// DHCP ranges: an explicit start/limit must fit the LAN's IPv4 subnet (host 1 is the router).
import { dhcpRange } from '../../config/dhcp-range.ts';
import { parseCidr, usableCount } from '../../base/address-arithmetic.ts';
import { Findings } from '../../base/findings.ts';
import { asArr, asInt, asObj, lansOf, type MeshView } from '../mesh-view.ts';

export function checkDhcp(mesh: MeshView, out: Findings): void {
  for (const { lan, path } of lansOf(mesh)) {
    if (lan.dhcp === false) {
      if (asArr(lan.leases).length > 0) out.warn([...path, 'leases'], 'these leases have no effect: DHCP is off on this LAN (`dhcp: false`)');
      continue;
    }
    const dhcp = asObj(lan.dhcp);
    const c = parseCidr(lan.ipv4, 'ipv4');
    if (!c || c.hostBitsSet || c.prefix > 30) continue; // reported by the interface rules
    const start = asInt(dhcp?.start);
    const limit = asInt(dhcp?.limit);
    const r = dhcpRange(Number(usableCount(c)), start !== undefined && start >= 2 ? start : undefined, limit !== undefined && limit >= 1 ? limit : undefined);
    if (!r.ok) out.error([...path, 'dhcp', r.key], `${r.message} ${c.text}`);
  }
}
