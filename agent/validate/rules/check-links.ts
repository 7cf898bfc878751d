// Links: two distinct, existing routers, each pair at most once, at least one side dialable
// (a router `endpoint` or the link's `endpoints`), per-link endpoints only for the link's own
// routers, and the pair's transit /30 inside the transit pool (pair id p uses the pool's
// addresses 4p..4p+3; the original silently ran off a /16 once the lower id reached 64).
import { parseEndpoint } from '../../config/parse-host-port.ts';
import { prefixSize } from '../../base/address-arithmetic.ts';
import { pairId as linkPairId, transitFits } from '../../model/link-numbering.ts';
import { Findings, show } from '../../base/findings.ts';
import { asObj, asArr, asInt, asStr, linkEnds, pairLabel, type MeshView } from '../mesh-view.ts';
import { formatPath } from '../../base/diagnostic.ts';

export function checkLinks(mesh: MeshView, out: Findings): void {
  const pairs = new Map<string, string>();
  const linked = new Set<string>();
  const transit = mesh.pools.find((p) => p.key === 'transit_ipv4')?.cidr ?? null;
  asArr(mesh.data.links).forEach((link, i) => {
    const { names, namesPath, obj, path } = linkEnds(link, i);
    const [a, b] = names.map(asStr);
    const here = formatPath(path);
    let known = true;
    names.forEach((n, k) => {
      if (typeof n !== 'string') {
        known = false;
        return;
      }
      if (!mesh.routerByName.has(n)) {
        known = false;
        out.error([...namesPath, k], `unknown router \`${n}\`${suggest(n, [...mesh.routerByName.keys()])}`);
      }
    });
    if (a === undefined || b === undefined) return;
    if (a === b) {
      out.error(path, `links router \`${a}\` to itself: a link joins two different routers`);
      return;
    }
    const pairKey = [a, b].sort().join('\u0000');
    const first = pairs.get(pairKey);
    if (first !== undefined) {
      out.error(path, `duplicate link ${pairLabel(a, b)}: the pair is already linked by ${first}`);
      return;
    }
    pairs.set(pairKey, here);
    if (!known) return;
    linked.add(a).add(b);

    const endpoints = asObj(obj?.endpoints) ?? {};
    for (const [name, value] of Object.entries(endpoints)) {
      const at = [...path, 'endpoints', name];
      if (name !== a && name !== b) out.error(at, `\`${name}\` is not one of this link's routers (${a}, ${b})`, true);
      const text = asStr(value);
      if (text !== undefined) {
        const e = parseEndpoint(text, mesh.wireguardPort);
        if (!e.ok) out.error(at, `${show(text)} is not a valid endpoint: ${e.reason}`);
      }
    }
    const dialable = (n: string) => endpoints[n] !== undefined || mesh.routerByName.get(n)?.body.endpoint !== undefined;
    if (!dialable(a) && !dialable(b)) {
      out.error(path, `neither \`${a}\` nor \`${b}\` is dialable: at least one side of a link needs an endpoint; give one of them an \`endpoint\`, or set this link's \`endpoints\` (e.g. \`endpoints: { ${b}: 192.168.1.3 }\`)`);
    }

    const idA = mesh.routerByName.get(a)!.id;
    const idB = mesh.routerByName.get(b)!.id;
    if (!transit || idA === undefined || idB === undefined || idA < 1 || idB < 1 || idA === idB) return;
    if (idA >= mesh.maxRouters || idB >= mesh.maxRouters) return; // reported on the router ids
    const pairId = BigInt(linkPairId(idA, idB, mesh.maxRouters));
    const size = prefixSize(transit);
    if (!transitFits(transit, Number(pairId))) {
      out.error(path, `link ${pairLabel(a, b)} (pair id ${pairId}): its transit /30 (addresses ${4n * pairId}..${4n * pairId + 3n} of the pool) does not fit the transit pool \`addressing.transit_ipv4\` (${transit.text}), which has ${size} addresses: enlarge transit_ipv4 to a /${transitPrefixFor(pairId)} or larger`);
    }
  });
  if (mesh.routers.length > 1) {
    for (const r of mesh.routers) {
      if (!linked.has(r.name)) out.warn(r.path, `router \`${r.name}\` has no links: it is isolated from the rest of the mesh`);
    }
  }
  for (const [i, link] of asArr(mesh.data.links).entries()) {
    const obj = asObj(link);
    const mtu = asInt(obj?.mtu);
    if (mtu !== undefined && mtu + 50 > mesh.wireguardMtu) {
      out.warn(['links', i, 'mtu'], `MTU ${mtu} plus 50 bytes of VXLAN overhead exceeds the WireGuard MTU ${mesh.wireguardMtu}: packets will be fragmented`);
    }
  }
}

function transitPrefixFor(pairId: bigint): number {
  let prefix = 30;
  while (prefix > 0 && (1n << BigInt(32 - prefix)) < 4n * pairId + 4n) prefix--;
  return prefix;
}

export function suggest(name: string, known: string[]): string {
  if (known.length === 0) return '';
  return known.length <= 8 ? ` (routers: ${known.join(', ')})` : '';
}
