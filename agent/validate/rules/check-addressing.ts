// Mesh-wide pools: each one a valid network of the right family, large enough for a /30 where
// one is needed, and no two pools overlapping (a router's loopback must never be another's
// tunnel or transit address).
import { networkText, prefixesOverlap } from '../../base/address-arithmetic.ts';
import { Findings, show } from '../../base/findings.ts';
import { asObj, type MeshView, type PoolView } from '../mesh-view.ts';

export function checkAddressing(mesh: MeshView, out: Findings): void {
  const written = asObj(mesh.data.addressing) ?? {};
  for (const pool of mesh.pools) {
    const text = written[pool.key];
    if (!pool.explicit || typeof text !== 'string') continue;
    if (!pool.cidr) {
      out.error(pool.path, `${show(text)} is not a valid ${pool.key.endsWith('ipv6') ? 'IPv6' : 'IPv4'} prefix`);
      continue;
    }
    if (pool.cidr.hostBitsSet) {
      out.error(pool.path, `${show(text)} has host bits set: write the network address \`${networkText(pool.cidr)}\``);
    }
    if (pool.key === 'transit_ipv4' && pool.cidr.prefix > 30) {
      out.error(pool.path, `${show(text)} is too small: the transit pool holds one /30 per link, so it must be a /30 or larger`);
    }
  }
  const valid = mesh.pools.filter((p): p is PoolView & { cidr: NonNullable<PoolView['cidr']> } => p.cidr !== null);
  for (let i = 0; i < valid.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = valid[j]!;
      const b = valid[i]!;
      if (!prefixesOverlap(a.cidr, b.cidr)) continue;
      // Report where the admin wrote something: the later pool, unless only the earlier was written.
      const [at, other] = b.explicit || !a.explicit ? [b, a] : [a, b];
      out.error(at.path, `${at.cidr.text} overlaps \`addressing.${other.key}\` (${other.cidr.text}${other.explicit ? '' : ', the default'}): the mesh pools must be disjoint`);
    }
  }
}
