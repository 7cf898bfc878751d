// Routers: ids unique, below max_routers and fitting every pool (id N takes the N-th usable
// address of each), public keys unique, endpoints well-formed, names short enough for DNS.
import { parseEndpoint } from '../../config/parse-host-port.ts';
import { hasNthUsable, usableCount } from '../../base/address-arithmetic.ts';
import { Findings, show } from '../../base/findings.ts';
import { asStr, type MeshView } from '../mesh-view.ts';

export function checkRouters(mesh: MeshView, out: Findings): void {
  const byId = new Map<number, string>();
  const byKey = new Map<string, string>();
  for (const r of mesh.routers) {
    const idPath = [...r.path, 'id'];
    if (r.id !== undefined && r.id >= 1) {
      if (r.id >= mesh.maxRouters) {
        out.error(idPath, `id ${r.id} must be below \`addressing.max_routers\` (${mesh.maxRouters}): ids are 1..${mesh.maxRouters - 1}`);
      }
      for (const pool of r.id >= mesh.maxRouters ? [] : mesh.pools) {
        if (!pool.cidr || pool.key === 'transit_ipv4' || pool.key.startsWith('client_')) continue;
        if (!hasNthUsable(pool.cidr, r.id)) {
          const usable = usableCount(pool.cidr);
          const room = usable > 0n ? `it has usable addresses for ids 1..${usable}` : 'it has no usable address';
          out.error(idPath, `id ${r.id} does not fit \`addressing.${pool.key}\` (${pool.cidr.text}): ${room}; enlarge the pool or use a smaller id`);
        }
      }
      const other = byId.get(r.id);
      if (other !== undefined) out.error(idPath, `duplicate id ${r.id}: already used by router \`${other}\` (ids must be unique)`);
      else byId.set(r.id, r.name);
    }
    const key = asStr(r.body.public_key);
    if (key !== undefined) {
      const other = byKey.get(key);
      if (other !== undefined) out.error([...r.path, 'public_key'], `duplicate public key: the same as router \`${other}\` (every router has its own key pair)`);
      else byKey.set(key, r.name);
    }
    const endpoint = asStr(r.body.endpoint);
    if (endpoint !== undefined) {
      const e = parseEndpoint(endpoint, mesh.wireguardPort);
      if (!e.ok) out.error([...r.path, 'endpoint'], `${show(endpoint)} is not a valid endpoint: ${e.reason}`);
    }
    if (r.name.length + 1 + mesh.domain.length > 253) {
      out.error(r.path, `the router's DNS zone \`${r.name}.${mesh.domain}\` is longer than 253 characters`, true);
    }
  }
}
