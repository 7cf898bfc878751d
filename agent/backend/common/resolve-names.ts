// Resolves host names through the router's own resolver (its dnsmasq, which knows the mesh's
// domains), with the tools each platform has: `getent ahosts` (glibc: Debian) and busybox
// `nslookup` (OpenWrt). Runs through Host.exec only, so it works under node and QuickJS alike.
import type { Host } from '../../host/host.ts';
import { addressFamily, canonicalAddress } from '../../base/address-arithmetic.ts';

const TIMEOUT_MS = 3000;

/** `getent ahosts` prints `ADDRESS  STREAM|DGRAM|RAW  [name]` lines. */
export function parseGetentAhosts(stdout: string): string[] {
  const out = new Set<string>();
  for (const line of stdout.split('\n')) {
    const addr = line.trim().split(/\s+/)[0] ?? '';
    if (addressFamily(addr) !== null) out.add(canonicalAddress(addr));
  }
  return [...out].sort();
}

/** busybox/bind `nslookup`: the answers are the `Address` lines after the first `Name:` line. */
export function parseNslookup(stdout: string): string[] {
  const out = new Set<string>();
  let inAnswer = false;
  for (const line of stdout.split('\n')) {
    if (/^Name:/.test(line)) inAnswer = true;
    const m = /^Address(?:\s+\d+)?:\s*(\S+)/.exec(line);
    if (inAnswer && m) {
      const addr = m[1]!.replace(/#\d+$/, '');
      if (addressFamily(addr) !== null) out.add(canonicalAddress(addr));
    }
  }
  return [...out].sort();
}

/** Addresses of each name (an empty list when it does not resolve), all names at once. */
export async function resolveNames(host: Host, names: readonly string[], opts: { timeoutMs?: number } = {}): Promise<Record<string, string[]>> {
  const timeoutMs = opts.timeoutMs ?? TIMEOUT_MS;
  const answers = await Promise.all(
    names.map(async (name): Promise<[string, string[]]> => {
      // Names come from the config: the schema restricts them to DNS labels, and a leading '-'
      // could never be read as an option anyway because of the `--`.
      const getent = await host.exec('getent', ['ahosts', '--', name], { timeoutMs });
      if (getent.code !== 127) return [name, getent.code === 0 ? parseGetentAhosts(getent.stdout) : []];
      const ns = await host.exec('nslookup', [name], { timeoutMs });
      return [name, ns.code === 0 ? parseNslookup(ns.stdout) : []];
    }),
  );
  return Object.fromEntries(answers);
}
