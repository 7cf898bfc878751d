// A read-only view of the merged document for the semantic rules. The rules also run when the
// schema found errors (so every error is reported at once), so nothing here trusts a type:
// every accessor checks the shape and yields `undefined` for anything unexpected.
import { DEFAULTS } from '../config/config-types.ts';
import type { Path } from '../base/diagnostic.ts';
import { parseCidr, type Cidr } from '../base/address-arithmetic.ts';

export type Obj = Record<string, unknown>;

export function asObj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}
export function asArr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
export function asStr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
export function asInt(v: unknown): number | undefined {
  return Number.isInteger(v) ? (v as number) : undefined;
}
export function asBool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

export interface RouterView {
  name: string;
  body: Obj;
  path: Path;
  id: number | undefined;
}

export type PoolKey = 'loopback_ipv4' | 'loopback_ipv6' | 'tunnel_ipv4' | 'tunnel_ipv6' | 'transit_ipv4' | 'client_ipv4' | 'client_ipv6';

export interface PoolView {
  key: PoolKey;
  path: Path;
  /** `null` when written but invalid. */
  cidr: Cidr | null;
  /** Written in the file (not the default). */
  explicit: boolean;
}

export interface MeshView {
  data: Obj;
  domain: string;
  routers: RouterView[];
  routerByName: Map<string, RouterView>;
  pools: PoolView[];
  maxRouters: number;
  wireguardPort: number;
  vxlanPort: number;
  wireguardMtu: number;
  vxlanMtu: number;
}

export const POOL_KEYS: readonly PoolKey[] = ['loopback_ipv4', 'loopback_ipv6', 'tunnel_ipv4', 'tunnel_ipv6', 'transit_ipv4'];

/**
 * The roaming client pools: checked (overlaps, shape) only when the config has clients or writes
 * the pool, so a config from before `clients:` whose LAN happens to use 10.1.2.0/24 stays valid.
 */
export const CLIENT_POOL_KEYS: readonly PoolKey[] = ['client_ipv4', 'client_ipv6'];

export function buildMeshView(data: unknown): MeshView {
  const d = asObj(data) ?? {};
  const routers: RouterView[] = [];
  for (const [name, body] of Object.entries(asObj(d.routers) ?? {})) {
    const b = asObj(body);
    if (b) routers.push({ name, body: b, path: ['routers', name], id: asInt(b.id) });
  }
  const addressing = asObj(d.addressing) ?? {};
  const hasClients = Object.keys(asObj(d.clients) ?? {}).length > 0;
  const keys = [...POOL_KEYS, ...CLIENT_POOL_KEYS.filter((k) => hasClients || addressing[k] !== undefined)];
  const pools = keys.map((key): PoolView => {
    const written = addressing[key];
    const family = key.endsWith('ipv6') ? 'ipv6' : 'ipv4';
    return written === undefined
      ? { key, path: ['addressing', key], cidr: parseCidr(DEFAULTS.addressing[key], family), explicit: false }
      : { key, path: ['addressing', key], cidr: parseCidr(written, family), explicit: true };
  });
  const setting = (section: string, key: string, fallback: number) => asInt(asObj(d[section])?.[key]) ?? fallback;
  return {
    data: d,
    domain: asStr(d.domain) ?? DEFAULTS.domain,
    routers,
    routerByName: new Map(routers.map((r) => [r.name, r])),
    pools,
    maxRouters: asInt(addressing.max_routers) ?? DEFAULTS.addressing.max_routers,
    wireguardPort: setting('wireguard', 'port', DEFAULTS.wireguard.port),
    vxlanPort: setting('vxlan', 'port', DEFAULTS.vxlan.port),
    wireguardMtu: setting('wireguard', 'mtu', DEFAULTS.wireguard.mtu),
    vxlanMtu: setting('vxlan', 'mtu', DEFAULTS.vxlan.mtu),
  };
}

/** Each LAN of each router with its path, in document order. */
export function lansOf(mesh: MeshView): { router: RouterView; lan: Obj; index: number; path: Path }[] {
  return mesh.routers.flatMap((router) =>
    asArr(router.body.lan).flatMap((l, index) => {
      const lan = asObj(l);
      return lan ? [{ router, lan, index, path: [...router.path, 'lan', index] }] : [];
    }),
  );
}

/** The two router names of a link (`[a, b]` or `{routers: [a, b]}`) and where they are written. */
export function linkEnds(link: unknown, index: number): { names: [unknown, unknown]; namesPath: Path; obj: Obj | undefined; path: Path } {
  const obj = asObj(link);
  const pair = obj ? obj.routers : link;
  const arr = asArr(pair);
  const path: Path = ['links', index];
  return { names: [arr[0], arr[1]], namesPath: obj ? [...path, 'routers'] : path, obj, path };
}

/** `a–b` for messages. */
export function pairLabel(a: string, b: string): string {
  return `${a}–${b}`;
}
