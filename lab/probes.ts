// What the demo prints and the end-to-end test asserts, measured on the running lab: addresses
// the servers got, reachability matrices, DNS answers, exposed services, OSPF state, outages.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { configPath } from './config-repo.ts';
import { inHolder, inNs, run, runAsync, sleep, waitFor } from './run.ts';
import { birdc, holderPid, inRouter, ospfNeighbors } from './router-cli.ts';
import { CLIENT, ROUTERS, SERVERS, routerByName, type LabRouter, type LabServer } from './topology.ts';

const SCRIPTS = fileURLToPath(new URL('./scripts/', import.meta.url));

interface AddrInfo {
  family: 'inet' | 'inet6';
  local: string;
  prefixlen: number;
  scope: string;
}

function addresses(ns: string, dev: string): AddrInfo[] {
  const out = run(['ip', '-n', ns, '-j', 'addr', 'show', 'dev', dev]);
  if (out.code !== 0) return [];
  const info = JSON.parse(out.stdout) as { addr_info: AddrInfo[] }[];
  return info[0]?.addr_info ?? [];
}

/** The server's leased IPv4 (not the static /32 extra) and a ULA IPv6 (DHCPv6 /128 preferred). */
export function serverAddresses(s: LabServer): { ipv4: string | null; ipv6: string | null } {
  const a = addresses(s.ns, 'eth0');
  const v4 = a.find((x) => x.family === 'inet' && x.scope === 'global' && x.prefixlen !== 32)?.local ?? null;
  const ula = a.filter((x) => x.family === 'inet6' && /^f[cd]/i.test(x.local));
  const v6 = (ula.find((x) => x.prefixlen === 128) ?? ula[0])?.local ?? null;
  return { ipv4: v4, ipv6: v6 };
}

/** Router id N's loopbacks (the example's default pools). */
export function routerLoopbacks(r: LabRouter): { ipv4: string; ipv6: string } {
  const n = Number(r.name.slice(1));
  return { ipv4: `10.1.1.${n}`, ipv6: `fd00:0:1:1::${n}` };
}

async function pingOk(ns: string, target: string, tries = 3): Promise<boolean> {
  const r = await runAsync(inNs(ns, ['ping', '-n', '-c', String(tries), '-i', '0.2', '-W', '1', target]), { timeoutMs: 10_000 });
  return / [1-9]\d* received/.test(r.stdout);
}

export interface MatrixCell {
  from: string;
  to: string;
  family: 'ipv4' | 'ipv6';
  target: string | null;
  ok: boolean;
}

/** Every server → every other server and every router loopback, IPv4 and IPv6, in parallel. */
export async function pingMatrix(): Promise<MatrixCell[]> {
  const addrs = new Map(SERVERS.map((s) => [s.name, serverAddresses(s)]));
  const targets: { to: string; family: 'ipv4' | 'ipv6'; target: string | null }[] = [];
  for (const s of SERVERS) {
    const a = addrs.get(s.name)!;
    targets.push({ to: s.name, family: 'ipv4', target: a.ipv4 }, { to: s.name, family: 'ipv6', target: a.ipv6 });
  }
  for (const r of ROUTERS) {
    const l = routerLoopbacks(r);
    targets.push({ to: r.name, family: 'ipv4', target: l.ipv4 }, { to: r.name, family: 'ipv6', target: l.ipv6 });
  }
  const cells: Promise<MatrixCell>[] = [];
  for (const s of SERVERS) {
    for (const t of targets) {
      if (t.to === s.name) continue;
      cells.push(
        (async () => ({ from: s.name, ...t, ok: t.target !== null && (await pingOk(s.ns, t.target)) }))(),
      );
    }
  }
  return Promise.all(cells);
}

export function formatMatrix(cells: MatrixCell[]): string {
  const cols = [...SERVERS.map((s) => s.name), ...ROUTERS.map((r) => r.name)];
  const rows = SERVERS.map((s) => s.name);
  const mark = (from: string, to: string) => {
    if (from === to) return ' -- ';
    const v4 = cells.find((c) => c.from === from && c.to === to && c.family === 'ipv4')?.ok;
    const v6 = cells.find((c) => c.from === from && c.to === to && c.family === 'ipv6')?.ok;
    return ` ${v4 ? '4' : '.'}${v6 ? '6' : '.'} `;
  };
  const lines = [`from\\to ${cols.map((c) => c.padStart(3).padEnd(4)).join('')}`];
  for (const r of rows) lines.push(`${r.padEnd(7)} ${cols.map((c) => mark(r, c)).join('')}`);
  lines.push('(4 = IPv4 ping ok, 6 = IPv6 ping ok, . = failed)');
  return lines.join('\n');
}

/** The links of the config in the lab repo: which routers each router should be adjacent to. */
export function expectedPeers(): Map<string, string[]> {
  const cfg = parse(readFileSync(configPath(), 'utf8')) as { links?: (string[] | { routers: string[] })[] };
  const peers = new Map<string, string[]>(ROUTERS.map((r) => [r.name, []]));
  for (const l of cfg.links ?? []) {
    const [a, b] = Array.isArray(l) ? l : l.routers;
    peers.get(a!)?.push(b!);
    peers.get(b!)?.push(a!);
  }
  return peers;
}

/** Routers whose OSPF adjacencies (both instances) are not all Full, with what is missing. */
export function ospfNotConverged(): string[] {
  const problems: string[] = [];
  for (const [name, peers] of expectedPeers()) {
    const r = routerByName(name);
    const full = ospfNeighbors(r).filter((n) => n.state.startsWith('Full'));
    for (const p of peers) {
      const id = routerLoopbacks(routerByName(p)).ipv4;
      const inst = new Set(full.filter((n) => n.routerId === id).map((n) => n.instance));
      if (inst.size < 2) problems.push(`${name}–${p} (${inst.size}/2 instances Full)`);
    }
  }
  return problems;
}

/** Waits until every adjacency is Full and every server has its addresses, then the full matrix. */
export async function waitForConvergence(timeoutMs: number): Promise<{ ms: number; matrix: MatrixCell[] }> {
  const start = Date.now();
  await waitFor('servers to get IPv4 and IPv6 addresses', timeoutMs, () => {
    const missing = SERVERS.filter((s) => {
      const a = serverAddresses(s);
      return !a.ipv4 || !a.ipv6;
    });
    return missing.length === 0 ? true : undefined;
  }, 1000);
  await waitFor('OSPF adjacencies', Math.max(1000, timeoutMs - (Date.now() - start)), () => (ospfNotConverged().length === 0 ? true : undefined), 1000);
  let matrix: MatrixCell[] = [];
  await waitFor('the full connectivity matrix', Math.max(1000, timeoutMs - (Date.now() - start)), async () => {
    matrix = await pingMatrix();
    return matrix.every((c) => c.ok) ? true : undefined;
  }, 1000).catch((e: Error) => {
    const bad = matrix.filter((c) => !c.ok).map((c) => `${c.from}→${c.to}/${c.family}`);
    throw new Error(`${e.message}; failing: ${bad.slice(0, 20).join(', ')}${bad.length > 20 ? ' …' : ''}`);
  });
  return { ms: Date.now() - start, matrix };
}

/** `dig +short` from a server, asking its router (the DNS server its DHCP lease names). */
export async function digFrom(s: LabServer, name: string, type: 'A' | 'AAAA' | 'CNAME' | 'SRV' | 'MX' | 'TXT'): Promise<string[]> {
  const server = gatewayOf(s);
  const r = await runAsync(inNs(s.ns, ['dig', '+short', '+time=2', '+tries=2', `@${server}`, name, type]), { timeoutMs: 15_000 });
  return r.stdout.split('\n').map((x) => x.trim()).filter((x) => x && !x.startsWith(';')).sort();
}

function gatewayOf(s: LabServer): string {
  const out = run(['ip', '-n', s.ns, '-j', '-4', 'route', 'show', 'default']);
  const gw = (JSON.parse(out.stdout || '[]') as { gateway?: string }[])[0]?.gateway;
  if (!gw) throw new Error(`${s.name} has no default route (no DHCP lease?)`);
  return gw;
}

/** One TCP exchange from dlan-client; returns the service's answer line. */
export async function tcpFromClient(host: string, port: number): Promise<string> {
  // --recv-only: no half-close towards nginx (which would close the upstream side before the answer)
  const r = await runAsync(inNs(CLIENT.ns, ['ncat', '--recv-only', '-w', '3', '-i', '5', host, String(port)]), { timeoutMs: 10_000 });
  return r.stdout.trim();
}

/** One UDP datagram from dlan-client; returns the answer. */
export async function udpFromClient(host: string, port: number, payload: string): Promise<string> {
  const r = await runAsync(inNs(CLIENT.ns, ['socat', '-t', '2', '-T', '3', '-', `UDP:${host}:${port}`]), { input: `${payload}\n`, timeoutMs: 10_000 });
  return r.stdout.trim();
}

/** TCP connect scan from dlan-client: open ports per host. */
export async function tcpScan(hosts: string[], first = 1, last = 65535, timeoutMs = 1000): Promise<Record<string, number[]>> {
  const r = await runAsync(inNs(CLIENT.ns, [process.execPath, join(SCRIPTS, 'tcp-scan.mjs'), String(first), String(last), String(timeoutMs), ...hosts]), {
    timeoutMs: 10 * 60_000,
  });
  if (r.code !== 0) throw new Error(`scan failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, number[]>;
}

/** Routes bird knows (all tables) and the routes it installed in the kernel, as text. */
export function dlanRoutes(r: LabRouter): string {
  const bird = birdc(r, ['show', 'route', 'all']).stdout;
  const kernel4 = inRouter(r, ['ip', '-4', 'route', 'show', 'proto', 'bird']).stdout;
  const kernel6 = inRouter(r, ['ip', '-6', 'route', 'show', 'proto', 'bird']).stdout;
  return `${bird}\n${kernel4}\n${kernel6}`;
}

/** Devices the router's kernel route towards `dest` goes through (several with ECMP). */
export function routeDevices(r: LabRouter, dest: string): string[] {
  const out = inRouter(r, ['ip', '-j', 'route', 'show', dest]);
  const routes = JSON.parse(out.stdout || '[]') as { dev?: string; nexthops?: { dev: string }[] }[];
  return routes.flatMap((x) => (x.nexthops ? x.nexthops.map((n) => n.dev) : x.dev ? [x.dev] : []));
}

/**
 * Pings `target` from a server every `intervalMs` for `durationMs`, running `disrupt` after
 * `disruptAfterMs`; returns the longest time without replies (the outage) and the loss.
 */
export async function measureOutage(
  from: LabServer,
  target: string,
  opts: { intervalMs: number; durationMs: number; disruptAfterMs: number; disrupt: () => void },
): Promise<{ outageMs: number; sent: number; received: number }> {
  const count = Math.round(opts.durationMs / opts.intervalMs);
  const pinging = runAsync(
    inNs(from.ns, ['ping', '-n', '-D', '-i', String(opts.intervalMs / 1000), '-W', '1', '-c', String(count), target]),
    { timeoutMs: opts.durationMs + 15_000 },
  );
  await sleep(opts.disruptAfterMs);
  const cutAt = Date.now() / 1000;
  opts.disrupt();
  const r = await pinging;
  const stamps = [...r.stdout.matchAll(/^\[(\d+\.\d+)\] \d+ bytes from/gm)].map((m) => Number(m[1]));
  let outage = 0;
  // The longest gap between consecutive replies around the disruption, minus one interval.
  for (let i = 1; i < stamps.length; i++) outage = Math.max(outage, stamps[i]! - stamps[i - 1]!);
  const lastBeforeCut = stamps.filter((t) => t <= cutAt).pop();
  const firstAfter = stamps.find((t) => t > cutAt);
  if (lastBeforeCut !== undefined && firstAfter === undefined) outage = Infinity;
  const received = stamps.length;
  return { outageMs: Math.max(0, outage * 1000 - opts.intervalMs), sent: count, received };
}

/** Cuts or restores a router's WAN on the internet side (its cable, not its own interface). */
export function setWan(r: LabRouter, upState: boolean): void {
  const ns = r.home ? `dlan-${r.home}` : 'dlan-inet';
  const out = run(['ip', '-n', ns, 'link', 'set', `p-${r.name}`, upState ? 'up' : 'down']);
  if (out.code !== 0) throw new Error(out.stderr);
}

/**
 * Breaks or restores the path between a router and one peer's WAN address (drops every packet
 * to and from it in the router's namespace, in a table of the lab's own): one link dies, both
 * routers stay up, as when the network between two sites fails. `peerWan` is the address the
 * router reaches the peer's WireGuard at.
 */
export function setPath(r: LabRouter, peerWan: string, upState: boolean): void {
  // Idempotent both ways: an earlier cut is removed first (absent is fine).
  inRouter(r, ['nft', 'delete', 'table', 'inet', 'dlan_lab_cut']);
  if (upState) return;
  const rules = [
    'table inet dlan_lab_cut {',
    `\tchain in { type filter hook input priority -300; policy accept; ip saddr ${peerWan} drop; }`,
    `\tchain out { type filter hook output priority -300; policy accept; ip daddr ${peerWan} drop; }`,
    '}',
  ].join('\n');
  const out = run(inHolder(holderPid(r), ['nft', '-f', '-']), { input: `${rules}\n` });
  if (out.code !== 0) throw new Error(`nft: ${out.stderr}`);
}
