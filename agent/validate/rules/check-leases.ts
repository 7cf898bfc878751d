// Static leases: a MAC lease gives an IPv4 address and a DUID lease an IPv6 one. The host part
// must lie inside the subnet (IPv4: up to the last usable address; IPv6: below 2^53), two leases
// of one family on a LAN may not share a host part or a client id, and a name appears at most
// once per family on a router (the same name once with a MAC and once with a DUID is one host).
import { hasNthUsable, parseCidr, usableCount } from '../../base/address-arithmetic.ts';
import { Findings, show } from '../../base/findings.ts';
import { asArr, asInt, asObj, asStr, lansOf, type MeshView } from '../mesh-view.ts';
import { formatPath, type Path } from '../../base/diagnostic.ts';

export function checkLeases(mesh: MeshView, out: Findings): void {
  const namesByRouter = new Map<string, Map<string, string>>();
  for (const { router, lan, path } of lansOf(mesh)) {
    const names = namesByRouter.get(router.name) ?? new Map<string, string>();
    namesByRouter.set(router.name, names);
    const v4 = parseCidr(lan.ipv4, 'ipv4');
    const v4ok = v4 !== null && !v4.hostBitsSet && v4.prefix <= 30;
    const hosts = new Map<string, string>();
    const clients = new Map<string, string>();
    asArr(lan.leases).forEach((l, i) => {
      const lease = asObj(l);
      if (!lease) return;
      const at: Path = [...path, 'leases', i];
      const here = formatPath(at);
      const mac = asStr(lease.mac);
      const duid = asStr(lease.duid);
      if ((mac === undefined) === (duid === undefined)) return; // the schema reports it
      const family = mac !== undefined ? 'ipv4' : 'ipv6';
      const host = asInt(lease.host);
      if (host !== undefined && host >= 2) {
        if (family === 'ipv4' && v4ok && !hasNthUsable(v4, host)) {
          out.error([...at, 'host'], `host ${host} is not inside the subnet ${v4.text}: the host part must be between 2 and ${usableCount(v4)}`);
        }
        if (family === 'ipv6' && lan.ipv6 === undefined) {
          out.error([...at, 'duid'], 'a DUID lease gives an IPv6 address, but this LAN has no `ipv6` subnet');
        }
        const key = `${family}/${host}`;
        const other = hosts.get(key);
        if (other !== undefined) out.error([...at, 'host'], `duplicate host part: host ${host} is already given to ${other} (two ${family === 'ipv4' ? 'MAC (IPv4)' : 'DUID (IPv6)'} leases of one LAN may not share a host part)`);
        else hosts.set(key, here);
      }
      const client = (mac ?? duid)!.toLowerCase();
      const otherClient = clients.get(`${family}/${client}`);
      if (otherClient !== undefined) {
        out.error([...at, family === 'ipv4' ? 'mac' : 'duid'], `duplicate ${family === 'ipv4' ? 'MAC' : 'DUID'}: ${show(mac ?? duid)} already has a lease on this LAN (${otherClient})`);
      } else clients.set(`${family}/${client}`, here);
      const name = asStr(lease.name);
      if (name !== undefined) {
        const key = `${family}/${name.toLowerCase()}`;
        const other = names.get(key);
        if (other !== undefined) {
          out.error([...at, 'name'], `duplicate lease name \`${name}\`: already used by the ${family === 'ipv4' ? 'MAC (IPv4)' : 'DUID (IPv6)'} lease ${other} of router \`${router.name}\`: a name appears once per family on a router`);
        } else names.set(key, here);
        const fqdn = `${name}.${router.name}.${mesh.domain}`;
        if (fqdn.length > 253) out.error([...at, 'name'], `\`${fqdn}\` is longer than 253 characters`);
      }
    });
  }
}
