// How links are numbered. The pair id of routers a and b is unique in the mesh as long as ids stay
// below max_routers; it is the VXLAN VNI and the index of the link's /30 in the transit pool.
import { addressAt, prefixSize, type ParsedPrefix } from '../base/address-arithmetic.ts';

export function pairId(idA: number, idB: number, maxRouters: number): number {
  return maxRouters * Math.min(idA, idB) + Math.max(idA, idB);
}

/** Whether the /30 of pair id `pair` (addresses 4p..4p+3) lies inside the transit pool. */
export function transitFits(pool: ParsedPrefix, pair: number): boolean {
  return BigInt(pair) * 4n + 3n < prefixSize(pool);
}

/** The /30 of a link: the lower router id takes 4p+1, the higher 4p+2. */
export function transitSubnet(pool: ParsedPrefix, pair: number): { network: string; lower: string; higher: string } {
  const base = BigInt(pair) * 4n;
  return { network: addressAt(pool, base), lower: addressAt(pool, base + 1n), higher: addressAt(pool, base + 2n) };
}
