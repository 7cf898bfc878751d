// Whether dnsmasq, nginx and bird run, from the process table (/proc/<pid>/comm): the same on
// OpenWrt (procd) and Debian (systemd), no external command, no daemon to ask.
import type { Host } from '../../host/host.ts';

export type ServiceState = 'running' | 'stopped' | 'unknown';

export const WATCHED_SERVICES = ['dnsmasq', 'nginx', 'bird'] as const;

export async function probeServices(host: Host, names: readonly string[] = WATCHED_SERVICES): Promise<Record<string, ServiceState>> {
  const out: Record<string, ServiceState> = {};
  let entries: string[] | null;
  try {
    entries = await host.files.list('/proc');
  } catch {
    entries = null;
  }
  if (entries === null) {
    for (const n of names) out[n] = 'unknown';
    return out;
  }
  const running = new Set<string>();
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (pid) => {
        try {
          const comm = (await host.files.read(`/proc/${pid}/comm`))?.trim();
          if (comm) running.add(comm);
        } catch {
          // the process exited while we looked
        }
      }),
  );
  for (const n of names) out[n] = running.has(n) ? 'running' : 'stopped';
  return out;
}
