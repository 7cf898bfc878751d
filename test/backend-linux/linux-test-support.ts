// Hand-made desired states of a two-router mesh (ra: id 1, home side with a LAN; rb: id 2, public,
// with a service) in the exact shape the slice produces, so the Linux backend can be tested with
// keys generated at test time. Plus a Host wrapper that runs every program inside a router's
// network + mount namespace (nsenter into a holder process), the way the lab does.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { DesiredState } from '../../agent/slice/desired-state.ts';
import type { Host } from '../../agent/host/host.ts';

export interface TwoRouterKeys {
  ra: string;
  rb: string;
}

export function twoRouterState(name: 'ra' | 'rb', keys: TwoRouterKeys, opts: { vni?: number; mtu?: number } = {}): DesiredState {
  const self = name === 'ra' ? 1 : 2;
  const peer = name === 'ra' ? 2 : 1;
  const peerName = name === 'ra' ? 'rb' : 'ra';
  const vni = opts.vni ?? 258;
  const mtu = opts.mtu ?? 1370;
  const lan =
    name === 'ra'
      ? [
          {
            name: 'lan0',
            device: 'eth1',
            mac: null,
            ipv4: { network: '10.2.0.0', prefix: 24, cidr: '10.2.0.0/24', address: '10.2.0.1', netmask: '255.255.255.0' },
            ipv6: { network: 'fd79:2de7:db86::', prefix: 64, cidr: 'fd79:2de7:db86::/64', address: 'fd79:2de7:db86::1' },
            dhcp: { start: 100, limit: 150, rangeStart: '10.2.0.100', rangeEnd: '10.2.0.249', leaseTime: '12h', ipv6: true },
            leases: [
              { family: 'ipv4' as const, mac: '52:54:00:5a:bf:0b', host: 2, name: 's1', address: '10.2.0.2' },
              { family: 'ipv6' as const, duid: '00010001265c6a195254005abf0b', host: 2, name: 's1', address: 'fd79:2de7:db86::2' },
            ],
          },
        ]
      : [];
  const services =
    name === 'rb'
      ? [{ name: 'web', protocol: 'tcp' as const, listen: [{ raw: '8080', family: 'ipv4' as const, address: null, port: 8080 }], upstreams: [{ host: '10.2.0.2', port: 80 }], proxyProtocol: false }]
      : [];
  return {
    schema: 1,
    router: name,
    id: self,
    hostname: name,
    domain: 'lan',
    localDomain: `${name}.lan`,
    loopback: { ipv4: `10.1.1.${self}`, ipv6: `fd00:0:1:1::${self}` },
    wan: [{ name: 'wan0', device: 'eth0', mac: null, ipv4: { address: `192.0.2.${self}`, prefix: 24, gateway: name === 'rb' ? '192.0.2.254' : null }, ipv6: null }],
    lan,
    wireguard: {
      interface: 'wg0',
      listenPort: 51820,
      mtu: 1420,
      addresses: { ipv4: `10.1.0.${self}/24`, ipv6: `fd00:0:1::${self}/64` },
      publicKey: keys[name],
      peers: [
        {
          router: peerName,
          publicKey: keys[peerName],
          allowedIps: [`10.1.0.${peer}/32`, `fd00:0:1::${peer}/128`],
          endpoint: name === 'ra' ? { host: '192.0.2.2', port: 51820 } : null,
          persistentKeepalive: name === 'ra' ? 25 : 0,
        },
      ],
    },
    links: [
      {
        peer: peerName,
        peerId: peer,
        pairId: 258,
        vni,
        interface: `dlan_vx${peer}`,
        vxlanPort: 4789,
        localTunnelIpv4: `10.1.0.${self}`,
        remoteTunnelIpv4: `10.1.0.${peer}`,
        transit: { address: `10.0.4.${8 + self}/30`, peerAddress: `10.0.4.${8 + peer}`, network: '10.0.4.8/30', prefix: 30 },
        cost: 10,
        mtu,
        bfd: false,
        dials: name === 'ra',
      },
    ],
    ospf: {
      routerId: `10.1.1.${self}`,
      hello: 1,
      dead: 4,
      stubInterfaces: lan.map((l) => l.device),
      loopbackPrefixes: { ipv4: `10.1.1.${self}/32`, ipv6: `fd00:0:1:1::${self}/128` },
      ptpInterfaces: [{ interface: `dlan_vx${peer}`, cost: 10, bfd: false }],
      bfd: { enabled: false, intervalMs: 200, multiplier: 5 },
    },
    dns: {
      localDomain: `${name}.lan`,
      upstreams: ['9.9.9.9', '2620:fe::fe'],
      delegations: [{ domain: `${peerName}.lan`, server: `10.1.1.${peer}` }],
      records: [
        { name: 'service1.example.com', addresses: ['10.2.0.100', '10.2.1.100'] },
        { name: 'nas.example.com', addresses: ['fd79:2de7:db86::2'] },
      ],
      listenAddresses: [`10.1.1.${self}`, `fd00:0:1:1::${self}`],
    },
    services,
    firewall: {
      wanInput: [
        { name: 'dlan_tcp_22', protocol: 'tcp', port: 22, family: 'any', why: 'ssh' },
        ...(name === 'rb'
          ? [
              { name: 'dlan_tcp_8080', protocol: 'tcp' as const, port: 8080, family: 'ipv4' as const, why: 'service web' },
              { name: 'dlan_udp_51820', protocol: 'udp' as const, port: 51820, family: 'any' as const, why: 'wireguard' },
            ]
          : []),
      ],
      trustedDevices: ['lo', ...lan.map((l) => l.device), 'wg0', `dlan_vx${peer}`],
      wanDevices: ['eth0'],
      masquerade: true,
      mssClamp: true,
    },
    ssh: null,
    monitoring: { nginxStatusPort: 1337 },
    isolated: false,
  };
}

/** Counts writes and mutating commands, to prove a no-op apply does nothing. */
export interface HostCounters {
  writes: string[];
  removes: string[];
  execs: string[][];
}

export function countingHost(inner: Host): { host: Host; counters: HostCounters } {
  const counters: HostCounters = { writes: [], removes: [], execs: [] };
  const host: Host = {
    ...inner,
    exec: (program, args, opts) => {
      counters.execs.push([program, ...args]);
      return inner.exec(program, args, opts);
    },
    files: {
      ...inner.files,
      write: (path, content, opts) => {
        counters.writes.push(path);
        return inner.files.write(path, content, opts);
      },
      remove: (path) => {
        counters.removes.push(path);
        return inner.files.remove(path);
      },
    },
  };
  return { host, counters };
}

/** Every program runs inside the holder's network and mount namespaces. */
export function namespacedHost(inner: Host, holderPid: number): Host {
  return {
    ...inner,
    exec: (program, args, opts) => inner.exec('nsenter', ['-t', String(holderPid), '-m', '-n', '--', program, ...args], opts),
  };
}

/** Commands that change the machine (as opposed to reads like `ip -j … show`, `wg show`, checks). */
export function mutatingExecs(execs: string[][]): string[][] {
  return execs.filter((argv) => {
    const a = argv[0] === 'nsenter' ? argv.slice(argv.indexOf('--') + 1) : argv;
    if (a[0] === 'ip') return a.some((x) => x === 'add' || x === 'del' || x === 'set');
    if (a[0] === 'wg') return a[1] === 'set';
    if (a[0] === 'nft') return !a.includes('list') && !a.includes('-c');
    return a[0] === 'wireguard-go' || a[0] === 'systemctl' || a[0] === 'echo';
  });
}

/** Runs a program (no shell) with a 20 s bound: exit code, stdout and stderr. */
export function sh(argv: string[], input?: string) {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', input, timeout: 20000 });
  return { code: r.status ?? 1, out: r.stdout ?? '', err: r.stderr ?? '' };
}
/** Like sh, but throws with the output when the program fails; returns stdout. */
export function must(argv: string[], input?: string): string {
  const r = sh(argv, input);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed: ${r.err}${r.out}`);
  return r.out;
}

/**
 * A fresh network namespace `ns` with bridges as its eth0 and eth1 (no dummy module on every
 * kernel), and a holder process in it with its own mount namespace and a private /run, so the
 * wireguard-go started in it keeps its socket (/var/run/wireguard) to itself. Returns the
 * holder's pid (for namespacedHost). Throws with a clear message without root or namespaces.
 */
export async function routerNamespace(ns: string): Promise<number> {
  const probe = sh(['ip', 'netns', 'add', ns]);
  if (probe.code !== 0) throw new Error(`needs root and network namespaces: ${probe.err}`);
  for (const dev of ['eth0', 'eth1']) must(['ip', '-n', ns, 'link', 'add', dev, 'type', 'bridge']);
  const child = spawn('ip', ['netns', 'exec', ns, 'unshare', '-m', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs dlan-test-run /run && mkdir -p /run/wireguard && exec sleep infinity'], { stdio: 'ignore', detached: true });
  child.unref();
  const pid = child.pid!;
  for (let i = 0; i < 100; i++) {
    if (existsSync(`/proc/${pid}/comm`) && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sleep') return pid;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the holder of ${ns} did not start`);
}

/** Stops every process in namespace `ns` (all ours: the holder, wireguard-go) and deletes it. */
export function removeNamespace(ns: string, signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pid of sh(['ip', 'netns', 'pids', ns]).out.split('\n').map(Number).filter((p) => p > 0)) {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
  sh(['ip', 'netns', 'del', ns]);
}
