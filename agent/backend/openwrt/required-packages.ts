// The optional OpenWrt packages a router's slice needs. The dlan-agent package depends only on
// what every router needs; nginx + nginx-mod-stream (a router that exposes services) and
// dnsmasq-full (a LAN with IPv6: dnsmasq serves DHCPv6 and RA) are the router owner's to install.
// `plan`/`apply` warn and `status` lists a problem when one is missing, naming the package and the
// command. Installed packages are read from the package manager's own database, as `apk info -e`
// (/lib/apk/db/installed) and `opkg status` (/usr/lib/opkg/status) do, providers included; a root
// with neither (a test tree, a hand-made install) is not checked.
import type { Host } from '../../host/host.ts';
import type { DesiredState } from '../../slice/desired-state.ts';

interface Requirement {
  /** Any of these installed (or provided) satisfies it. */
  anyOf: string[];
  /** The package to install. */
  install: string;
  why: string;
  needed(state: DesiredState): boolean;
}

const REQUIREMENTS: Requirement[] = [
  { anyOf: ['nginx', 'nginx-ssl', 'nginx-full'], install: 'nginx-ssl', why: 'this router exposes services', needed: (s) => s.services.length > 0 },
  { anyOf: ['nginx-mod-stream'], install: 'nginx-mod-stream', why: 'exposed services go through nginx stream', needed: (s) => s.services.length > 0 },
  { anyOf: ['dnsmasq-full'], install: 'dnsmasq-full', why: 'a LAN has IPv6: dnsmasq serves DHCPv6 and RA (it replaces dnsmasq)', needed: (s) => s.lan.some((l) => l.dhcp?.ipv6) },
];

export interface MissingPackages {
  manager: 'apk' | 'opkg';
  missing: { name: string; why: string }[];
}

/** Names installed and provided, from the apk or opkg database below `root`; null without one. */
async function installedNames(host: Host, rootDir: string): Promise<{ manager: 'apk' | 'opkg'; names: Set<string> } | null> {
  const root = rootDir.replace(/\/+$/, '');
  const apk = await host.files.read(`${root}/lib/apk/db/installed`);
  if (apk !== null) {
    const names = new Set<string>();
    for (const line of apk.split('\n')) {
      if (line.startsWith('P:')) names.add(line.slice(2).trim());
      else if (line.startsWith('p:')) for (const p of line.slice(2).trim().split(/\s+/)) names.add(p.replace(/[<>=~].*$/, ''));
    }
    return { manager: 'apk', names };
  }
  const opkg = await host.files.read(`${root}/usr/lib/opkg/status`);
  if (opkg === null) return null;
  const names = new Set<string>();
  for (const para of opkg.split(/\n\s*\n/)) {
    const field = (k: string) => new RegExp(`^${k}: *(.*)$`, 'm').exec(para)?.[1]?.trim() ?? '';
    if (!/\binstalled\b/.test(field('Status')) || /not-installed/.test(field('Status'))) continue;
    names.add(field('Package'));
    for (const p of field('Provides').split(',')) if (p.trim()) names.add(p.trim().replace(/\s*\(.*$/, ''));
  }
  return { manager: 'opkg', names };
}

export async function missingPackages(host: Host, root: string, state: DesiredState): Promise<MissingPackages | null> {
  const db = await installedNames(host, root);
  if (db === null) return null;
  const missing = REQUIREMENTS.filter((r) => r.needed(state) && !r.anyOf.some((n) => db.names.has(n))).map((r) => ({ name: r.install, why: r.why }));
  return missing.length ? { manager: db.manager, missing } : null;
}

/** One line naming each missing package, why, and the command that installs them. */
export function describeMissingPackages(m: MissingPackages): string {
  const names = m.missing.map((p) => p.name).join(' ');
  const how = m.manager === 'apk' ? `apk add ${names}` : `opkg update && opkg install ${names}`;
  return `packages this router's slice needs are not installed: ${m.missing.map((p) => `${p.name} (${p.why})`).join(', ')}; install with: ${how}`;
}
