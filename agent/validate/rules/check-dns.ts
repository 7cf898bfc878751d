// DNS: upstream resolvers and record addresses are IP addresses; record names DNS names.
import { parseIp } from '../address-math.ts';
import { Findings, show } from '../findings.ts';
import { asArr, asObj, asStr, type MeshView } from '../mesh-view.ts';

export function checkDns(mesh: MeshView, out: Findings): void {
  const dns = asObj(mesh.data.dns);
  if (!dns) return;
  asArr(dns.upstream).forEach((u, i) => {
    const text = asStr(u);
    if (text !== undefined && !parseIp(text)) out.error(['dns', 'upstream', i], `${show(text)} is not a valid IPv4 or IPv6 address`);
  });
  asArr(dns.records).forEach((r, i) => {
    const address = asStr(asObj(r)?.address);
    if (address !== undefined && !parseIp(address)) out.error(['dns', 'records', i, 'address'], `${show(address)} is not a valid IPv4 or IPv6 address`);
  });
}
