// How services are started, reloaded and checked on a Linux router: systemd on a real Debian
// router, or a command table (JSON) where there is no systemd — the namespace lab, a container.
//
// Table format (<root>/etc/dlan/services.json), every command an argv list (no shell):
//   { "dnsmasq": { "start": [...], "reload": [...], "restart": [...], "stop": [...], "check": [...] },
//     "bird": {...}, "nginx": {...}, "sshd": {...} }
// `check` exits 0 when the service runs (absent: assumed running); `restart` absent = stop + start.
// A service missing from the table is not managed (its changes are written, nothing is run).
import type { Host } from '../../host/host.ts';
import { underRoot } from '../../base/dlan-paths.ts';
import { LINUX_FILES } from './linux-paths.ts';

export type ManagedService = 'dnsmasq' | 'bird' | 'nginx' | 'sshd';
export type ServiceVerb = 'start' | 'stop' | 'reload' | 'restart';

export interface ServiceCommands {
  start?: string[];
  stop?: string[];
  reload?: string[];
  restart?: string[];
  check?: string[];
}

export interface ServiceManager {
  kind: 'systemd' | 'table';
  /** The argv lists that perform `verb` (two for a restart made of stop + start); null = unmanaged. */
  commands(service: ManagedService, verb: ServiceVerb): string[][] | null;
  /** The argv that tells whether it runs; null when the manager can not tell (then: assumed running). */
  check(service: ManagedService): string[] | null;
}

/** Debian unit names. dlan-nginx is dlan's private nginx (packaging/debian/dlan-nginx.service). */
export const SYSTEMD_UNITS: Record<ManagedService, string> = {
  dnsmasq: 'dnsmasq.service',
  bird: 'bird.service',
  nginx: 'dlan-nginx.service',
  sshd: 'ssh.service',
};

/**
 * systemd. `live` false (a --root folder on a machine that is not the router): the commands are
 * only printed, so checks are skipped too.
 */
export function systemdManager(live: boolean): ServiceManager {
  return {
    kind: 'systemd',
    // dnsmasq.service's reload sends SIGHUP (re-reads hosts/dhcp-hosts files); bird.service's runs
    // `birdc configure`; dlan-nginx.service's runs `nginx -s reload`.
    commands: (s, verb) => [['systemctl', verb, SYSTEMD_UNITS[s]]],
    check: (s) => (live ? ['systemctl', 'is-active', '--quiet', SYSTEMD_UNITS[s]] : null),
  };
}

export class ServiceTableError extends Error {
  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'ServiceTableError';
  }
}

const SERVICES: ManagedService[] = ['dnsmasq', 'bird', 'nginx', 'sshd'];
const VERBS = ['start', 'stop', 'reload', 'restart', 'check'] as const;

export function parseServiceTable(path: string, text: string): Record<string, ServiceCommands> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ServiceTableError(path, `not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ServiceTableError(path, 'expected an object of services');
  const table: Record<string, ServiceCommands> = {};
  for (const [name, entry] of Object.entries(raw as Record<string, unknown>)) {
    if (!SERVICES.includes(name as ManagedService)) throw new ServiceTableError(path, `unknown service \`${name}\` (known: ${SERVICES.join(', ')})`);
    if (typeof entry !== 'object' || entry === null) throw new ServiceTableError(path, `${name}: expected an object`);
    const cmds: ServiceCommands = {};
    for (const [verb, argv] of Object.entries(entry as Record<string, unknown>)) {
      if (!(VERBS as readonly string[]).includes(verb)) throw new ServiceTableError(path, `${name}.${verb}: unknown command (known: ${VERBS.join(', ')})`);
      if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string')) {
        throw new ServiceTableError(path, `${name}.${verb}: expected a non-empty list of strings (program and arguments)`);
      }
      cmds[verb as keyof ServiceCommands] = argv as string[];
    }
    table[name] = cmds;
  }
  return table;
}

export function tableManager(table: Record<string, ServiceCommands>): ServiceManager {
  return {
    kind: 'table',
    commands(s, verb) {
      const t = table[s];
      if (!t) return null;
      if (verb === 'restart' && !t.restart) return t.stop && t.start ? [t.stop, t.start] : null;
      const argv = t[verb];
      return argv ? [argv] : null;
    },
    check: (s) => table[s]?.check ?? null,
  };
}

/** The table when <root>/etc/dlan/services.json exists, else systemd (live only on a real `/`). */
export async function detectServiceManager(host: Host, root: string): Promise<ServiceManager> {
  const path = underRoot(root, LINUX_FILES.serviceTable);
  const text = await host.files.read(path);
  if (text !== null) return tableManager(parseServiceTable(path, text));
  const live = (root === '/' || root === '') && (await host.files.stat('/run/systemd/system')) !== null;
  return systemdManager(live);
}
