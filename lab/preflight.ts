// What the lab needs from the machine: root, network namespaces, /dev/net/tun, and the Debian
// packages of the real daemons (installed with apt-get when missing and allowed).
import { existsSync } from 'node:fs';
import { run } from './run.ts';

/** Program (or file) → the Debian 12 package that provides it. */
export const LAB_PACKAGES: { check: string; pkg: string }[] = [
  { check: 'wireguard-go', pkg: 'wireguard-go' },
  { check: 'wg', pkg: 'wireguard-tools' },
  { check: 'bird', pkg: 'bird2' },
  { check: 'dnsmasq', pkg: 'dnsmasq-base' },
  { check: 'nginx', pkg: 'nginx' },
  { check: '/usr/lib/nginx/modules/ngx_stream_module.so', pkg: 'libnginx-mod-stream' },
  { check: 'nft', pkg: 'nftables' },
  { check: 'ip', pkg: 'iproute2' },
  { check: 'ping', pkg: 'iputils-ping' },
  { check: 'busybox', pkg: 'busybox' },
  { check: 'dhclient', pkg: 'isc-dhcp-client' },
  { check: 'tcpdump', pkg: 'tcpdump' },
  { check: 'iperf3', pkg: 'iperf3' },
  { check: 'dig', pkg: 'dnsutils' },
  { check: 'git', pkg: 'git' },
  { check: 'socat', pkg: 'socat' },
  { check: 'ncat', pkg: 'ncat' },
  { check: 'nsenter', pkg: 'util-linux' },
];

function present(check: string): boolean {
  if (check.startsWith('/')) return existsSync(check);
  return run(['sh', '-c', 'command -v "$1"', 'sh', check]).code === 0;
}

export function missingPackages(): string[] {
  return [...new Set(LAB_PACKAGES.filter((p) => !present(p.check)).map((p) => p.pkg))];
}

export class PreflightError extends Error {}

/** Throws a PreflightError with a clear message when the lab cannot run here. */
export function preflight(opts: { install: boolean; log?: (m: string) => void }): void {
  if (process.platform !== 'linux') throw new PreflightError('the lab needs Linux (network namespaces)');
  if (process.getuid?.() !== 0) {
    throw new PreflightError('the lab needs root (it creates network namespaces, veth pairs and bridges): run it as root, e.g. sudo npm run demo');
  }
  let missing = missingPackages();
  if (missing.length > 0 && opts.install) {
    opts.log?.(`installing ${missing.join(' ')}`);
    const env = ['env', 'DEBIAN_FRONTEND=noninteractive'];
    run([...env, 'apt-get', 'update', '-qq'], { timeoutMs: 300_000 });
    const r = run([...env, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing], { timeoutMs: 900_000 });
    if (r.code !== 0) throw new PreflightError(`apt-get install ${missing.join(' ')} failed:\n${r.stderr.trim()}`);
    // Debian's nginx package starts a system nginx; the lab runs its own instances in namespaces.
    run(['systemctl', 'stop', 'nginx']);
    missing = missingPackages();
  }
  if (missing.length > 0) throw new PreflightError(`missing Debian packages: ${missing.join(' ')} (apt-get install ${missing.join(' ')})`);
  // Per process: two runs (a test waiting for the lab lock, a bench) must not delete each other's probe.
  const probe = `dlan-preflight-${process.pid}`;
  run(['ip', 'netns', 'del', probe]);
  const add = run(['ip', 'netns', 'add', probe]);
  if (add.code !== 0) throw new PreflightError(`network namespaces are not available here: ${add.stderr.trim()}`);
  const veth = run(['ip', '-n', probe, 'link', 'add', 'probe0', 'type', 'veth', 'peer', 'name', 'probe1']);
  const br = run(['ip', '-n', probe, 'link', 'add', 'probebr0', 'type', 'bridge']);
  run(['ip', 'netns', 'del', probe]);
  if (veth.code !== 0 || br.code !== 0) throw new PreflightError(`veth/bridge devices are not available: ${veth.stderr}${br.stderr}`.trim());
  if (!existsSync('/dev/net/tun')) throw new PreflightError('/dev/net/tun is missing: wireguard-go needs the tun device');
  if (run(['unshare', '-m', '--propagation', 'private', 'true']).code !== 0) {
    throw new PreflightError('mount namespaces are not available (unshare -m failed): each router needs its own /run');
  }
}
