// The physical layout of the lab: which namespaces exist, how they are wired, which addresses and
// MACs they have. The dlan side (tunnels, OSPF, DNS, nginx) is not here: it comes from the config
// repo through dlan-agent, exactly as on real routers.
import { join } from 'node:path';

export const LAB_DIR = process.env.DLAN_LAB_DIR ?? '/tmp/dlan-lab';
export const NS_PREFIX = 'dlan-';

/** The "internet": one bridge in dlan-inet; 203.0.113.1 is its own address (and the git server). */
export const INTERNET = {
  ns: 'dlan-inet',
  bridge: 'inet0',
  address: '203.0.113.1',
  prefix: 24,
  gitUrl: 'git://203.0.113.1/dlan.git',
};

export const CLIENT = { ns: 'dlan-client', address: '203.0.113.100' };

/** A roaming VPN client (laptop on the road): on the internet bridge, WireGuard to its home router. */
export const ROAMING = { ns: 'dlan-roam', address: '203.0.113.101', name: 'roamer', home: 'r4', egress: 'r5', wg: 'wgroam' } as const;

export interface HomeRouter {
  name: 'h1' | 'h2';
  ns: string;
  /** Public address on the internet bridge. */
  wan: string;
  lanAddress: string;
}

export const HOMES: HomeRouter[] = [
  { name: 'h1', ns: 'dlan-h1', wan: '203.0.113.11', lanAddress: '192.168.1.1' },
  { name: 'h2', ns: 'dlan-h2', wan: '203.0.113.12', lanAddress: '192.168.1.1' },
];

export interface LabServer {
  name: string;
  ns: string;
  router: string;
  mac: string;
  /** DUID sent by the DHCPv6 client, hex without separators. */
  duid: string;
  /** Extra address the server holds besides its DHCP one (the example points services at it). */
  staticIpv4: string | null;
}

export interface LabRouter {
  name: string;
  ns: string;
  /** Home router it sits behind (WAN by DHCP), or null for a public static WAN. */
  home: HomeRouter['name'] | null;
  wanMac: string;
  /** Public static address (R4/R5), also what the config says. */
  publicAddress: string | null;
  servers: LabServer[];
  /** Root dir given to dlan-agent `--root`. */
  root: string;
}

function server(n: number, router: string, mac: string, duid: string | null, staticIpv4: string | null = null): LabServer {
  return {
    name: `s${n}`,
    ns: `dlan-s${n}`,
    router,
    mac,
    duid: duid ?? `00030001${mac.replaceAll(':', '')}`,
    staticIpv4,
  };
}

/** S1's MAC and DUID are the example's static leases (10.2.0.2, fd79:2de7:db86::2). */
const S1 = server(1, 'r1', '52:54:00:5a:bf:0b', '00010001265c6a195254005abf0b');

function router(n: number, home: HomeRouter['name'] | null, servers: LabServer[]): LabRouter {
  return {
    name: `r${n}`,
    ns: `dlan-r${n}`,
    home,
    wanMac: `52:54:00:00:01:0${n}`,
    publicAddress: home ? null : `203.0.113.${n}`,
    servers,
    root: join(LAB_DIR, `r${n}`, 'root'),
  };
}

export const ROUTERS: LabRouter[] = [
  router(1, 'h1', [S1]),
  // 10.2.1.10 is the example's second upstream of `web`.
  router(2, 'h2', [server(2, 'r2', '52:54:00:00:02:02', null, '10.2.1.10'), server(3, 'r2', '52:54:00:00:02:03', null), server(4, 'r2', '52:54:00:00:02:04', null)]),
  // 10.2.2.20 is the upstream of `dns-game` (UDP 27015).
  router(3, 'h2', [server(5, 'r3', '52:54:00:00:02:05', null, '10.2.2.20'), server(6, 'r3', '52:54:00:00:02:06', null), server(7, 'r3', '52:54:00:00:02:07', null)]),
  router(4, null, []),
  router(5, null, []),
];

export const SERVERS: LabServer[] = ROUTERS.flatMap((r) => r.servers);

/** R3's WAN gets this address from H2's DHCP (static lease): the example's R2–R3 link endpoint. */
export const R3_HOME_ADDRESS = '192.168.1.3';

export const ALL_NAMESPACES: string[] = [
  INTERNET.ns,
  CLIENT.ns,
  ROAMING.ns,
  ...HOMES.map((h) => h.ns),
  ...ROUTERS.map((r) => r.ns),
  ...SERVERS.map((s) => s.ns),
];

export function routerByName(name: string): LabRouter {
  const r = ROUTERS.find((x) => x.name === name);
  if (!r) throw new Error(`no lab router ${name}`);
  return r;
}

/** Ports every lab server listens on: TCP 80 (web), UDP 27015 (dns-game). */
export const ECHO_TCP_PORT = 80;
export const ECHO_UDP_PORT = 27015;

export const paths = {
  pids: join(LAB_DIR, 'pids'),
  logs: join(LAB_DIR, 'logs'),
  git: join(LAB_DIR, 'git'),
  bareRepo: join(LAB_DIR, 'git', 'dlan.git'),
  work: join(LAB_DIR, 'repo-work'),
  routerDir: (r: string) => join(LAB_DIR, r),
  serverDir: (s: string) => join(LAB_DIR, s),
  homeDir: (h: string) => join(LAB_DIR, h),
};
