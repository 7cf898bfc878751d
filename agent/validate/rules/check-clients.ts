// Roaming VPN clients: ids unique and fitting the client pools (client N takes the N-th usable
// address of each), keys unique across routers and clients, names distinct from router names
// (both name DNS labels under the domain), and home/egress routers that exist and can be dialled:
// a client on the road cannot reach a router behind NAT.
import { hasNthUsable, usableCount } from '../../base/address-arithmetic.ts';
import { Findings } from '../../base/findings.ts';
import { asInt, asObj, asStr, type MeshView } from '../mesh-view.ts';
import type { Path } from '../../base/diagnostic.ts';

export function checkClients(mesh: MeshView, out: Findings): void {
  const keys = new Map<string, string>();
  for (const r of mesh.routers) {
    const key = asStr(r.body.public_key);
    if (key !== undefined && !keys.has(key)) keys.set(key, `router \`${r.name}\``);
  }
  const byId = new Map<number, string>();
  for (const [name, value] of Object.entries(asObj(mesh.data.clients) ?? {})) {
    const body = asObj(value);
    if (!body) continue;
    const path: Path = ['clients', name];
    if (mesh.routerByName.has(name)) {
      out.error(path, `client name \`${name}\` is also a router's name: clients and routers share the DNS names under \`${mesh.domain}\``, true);
    }
    const id = asInt(body.id);
    if (id !== undefined && id >= 1) {
      for (const pool of mesh.pools) {
        if (!pool.cidr || !pool.key.startsWith('client_') || hasNthUsable(pool.cidr, id)) continue;
        const usable = usableCount(pool.cidr);
        const room = usable > 0n ? `it has usable addresses for ids 1..${usable}` : 'it has no usable address';
        out.error([...path, 'id'], `client id ${id} does not fit \`addressing.${pool.key}\` (${pool.cidr.text}): ${room}; enlarge the pool or use a smaller id`);
      }
      const other = byId.get(id);
      if (other !== undefined) out.error([...path, 'id'], `duplicate client id ${id}: already used by client \`${other}\` (client ids must be unique)`);
      else byId.set(id, name);
    }
    const key = asStr(body.public_key);
    if (key !== undefined) {
      const other = keys.get(key);
      if (other !== undefined) out.error([...path, 'public_key'], `duplicate public key: the same as ${other} (every router and client has its own key pair)`);
      else keys.set(key, `client \`${name}\``);
    }
    for (const role of ['home', 'egress'] as const) {
      const routerName = asStr(body[role]);
      if (routerName === undefined) continue;
      const router = mesh.routerByName.get(routerName);
      if (!router) {
        const known = mesh.routers.map((r) => r.name).join(', ') || 'none';
        out.error([...path, role], `unknown router \`${routerName}\` (routers: ${known})`);
      } else if (asStr(router.body.endpoint) === undefined) {
        out.error([...path, role], `router \`${routerName}\` has no \`endpoint\`: the client dials its ${role} router, so it must be reachable from the internet`);
      }
    }
  }
}
