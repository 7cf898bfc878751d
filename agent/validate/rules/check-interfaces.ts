// WAN and LAN interfaces: addresses well-formed, LAN subnets given as network addresses, IPv6
// LANs ULA /64s, no device used twice on a router, and no LAN subnet overlapping another LAN
// (of any router) or a mesh pool. WAN addresses are never advertised: they may overlap anything.
import { isNetworkOrBroadcast, isUniqueLocal, networkText, parseCidr, type Cidr } from '../../base/address-arithmetic.ts';
import { parseIpValue } from '../../base/ip-address.ts';
import { Findings, show } from '../../base/findings.ts';
import { asArr, asObj, asStr, lansOf, type MeshView } from '../mesh-view.ts';
import { formatPath, type Path } from '../../base/diagnostic.ts';
import { firstEarlierOverlap, type Span } from '../first-overlap.ts';

export function checkInterfaces(mesh: MeshView, out: Findings): void {
  for (const r of mesh.routers) {
    const devices = new Map<string, string>();
    const useDevice = (value: unknown, path: Path) => {
      const dev = asStr(value);
      if (dev === undefined) return;
      const other = devices.get(dev);
      if (other !== undefined) out.error(path, `device \`${dev}\` is already used by ${other} of this router`);
      else devices.set(dev, formatPath(path.slice(2, -1)));
    };
    asArr(r.body.wan).forEach((w, i) => {
      const wan = asObj(w);
      if (!wan) return;
      const path: Path = [...r.path, 'wan', i];
      useDevice(wan.device, [...path, 'device']);
      checkWanAddress(wan, path, 'ipv4', out);
      checkWanAddress(wan, path, 'ipv6', out);
    });
    asArr(r.body.lan).forEach((l, i) => {
      const lan = asObj(l);
      if (lan) useDevice(lan.device, [...r.path, 'lan', i, 'device']);
    });
  }
  checkLanSubnets(mesh, out);
}

function checkWanAddress(wan: Record<string, unknown>, path: Path, family: 'ipv4' | 'ipv6', out: Findings): void {
  const text = asStr(wan[family]);
  const gateway = asStr(wan[`gateway_${family}`]);
  if (text !== undefined) {
    const c = parseCidr(text, family);
    if (!c) out.error([...path, family], `${show(text)} is not a valid ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address with prefix length`);
    else if (isNetworkOrBroadcast(c)) {
      out.error([...path, family], `${show(text)} is the network or broadcast address of ${networkText(c)}, not an interface address`);
    }
  }
  if (gateway !== undefined) {
    if (!parseIpValue(gateway, family)) out.error([...path, `gateway_${family}`], `${show(gateway)} is not a valid ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`);
    else if (text === undefined) {
      out.error([...path, `gateway_${family}`], `a gateway needs a static \`${family}\` on this WAN (without it the router uses DHCP${family === 'ipv6' ? 'v6' : ''}, which brings its own gateway)`);
    }
  }
}

interface Subnet {
  cidr: Cidr;
  path: Path;
  label: string;
}

function checkLanSubnets(mesh: MeshView, out: Findings): void {
  const seen: Subnet[] = mesh.pools.flatMap((p) =>
    p.cidr ? [{ cidr: p.cidr, path: p.path, label: `the mesh pool \`addressing.${p.key}\` (${p.cidr.text})` }] : [],
  );
  const pools = seen.length;
  for (const { router, lan, path } of lansOf(mesh)) {
    for (const family of ['ipv4', 'ipv6'] as const) {
      const text = asStr(lan[family]);
      if (text === undefined) continue;
      const at: Path = [...path, family];
      const c = parseCidr(text, family);
      if (!c) {
        out.error(at, `${show(text)} is not a valid ${family === 'ipv4' ? 'IPv4' : 'IPv6'} prefix`);
        continue;
      }
      if (c.hostBitsSet) {
        out.error(at, `${show(text)} has host bits set: write the network address \`${networkText(c)}\` (the router takes the first usable address)`);
        continue;
      }
      if (family === 'ipv4' && c.prefix > 30) {
        out.error(at, `${show(text)} is too small for a LAN: it needs at least a /30 (the router and one host)`);
        continue;
      }
      if (family === 'ipv6') {
        if (!isUniqueLocal(c)) {
          out.error(at, `${show(text)} is not a ULA prefix: IPv6 LAN subnets must be inside fc00::/7 (e.g. fd12:3456:789a::/64)`);
          continue;
        }
        if (c.prefix !== 64) {
          out.error(at, `${show(text)} must be a /64 (SLAAC and DHCPv6 on a LAN need exactly a /64)`);
          continue;
        }
      }
      seen.push({ cidr: c, path: at, label: `\`${formatPath(at)}\` (${c.text}) of router \`${router.name}\`` });
    }
  }
  // Each LAN against every earlier LAN and pool, without the quadratic pairwise scan. Pools
  // against pools are checkAddressing's business.
  const first = firstEarlierOverlap(seen.map((s) => spanOf(s.cidr)));
  seen.forEach((s, i) => {
    const clash = i < pools ? null : first[i];
    if (clash !== null && clash !== undefined) out.error(s.path, `${s.cidr.text} overlaps ${seen[clash]!.label}: LAN subnets must not overlap each other nor any mesh pool`);
  });
}

function spanOf(c: Cidr): Span {
  const bits = c.family === 'ipv4' ? 32 : 128;
  let lo = parseIpValue(c.network, c.family)!.value;
  lo = (lo >> BigInt(bits - c.prefix)) << BigInt(bits - c.prefix);
  return { family: c.family, lo, hi: lo + (1n << BigInt(bits - c.prefix)) - 1n };
}
