// The Linux backend's rules for the service actions (common/order-service-actions.ts orders them,
// adds the retries): which graceful actions the changes of one apply need, through the service
// manager. Order: the firewall first (so nothing listens unprotected), then dnsmasq, bird, nginx,
// sshd. Nothing changed and everything running → no action at all.
//  - dnsmasq main file changed → restart: SIGHUP does NOT re-read dnsmasq.conf (only /etc/hosts,
//    addn-hosts, dhcp-hostsfile and the resolv file), so a reload would silently keep the old
//    listen/range/server settings. Leases survive in the lease file.
//  - only the records or static leases changed → reload (SIGHUP): no DNS gap, no restart.
//  - bird.conf → reload (`birdc configure`: adjacencies whose interface is unchanged stay up).
//  - nginx → reload (`nginx -s reload`: new workers, open connections drain).
import type { ServiceAction } from '../backend.ts';
import { orderServiceActions } from '../common/order-service-actions.ts';
import type { FileRole } from './render-linux-files.ts';
import type { ManagedService, ServiceManager, ServiceVerb } from './service-manager.ts';

export interface ServiceActionInput {
  /** Roles of the files whose content changes, each with the paths that made it change. */
  changed: Map<FileRole, string[]>;
  /** Why the ruleset must be (re)loaded, or null when the kernel already has it. */
  nftReload: string | null;
  nftArgv: string[];
  /** Services that must run and whether they do (null: unknown, assumed running). */
  running: Map<ManagedService, boolean | null>;
  /** Actions that failed last time and are retried. */
  pending: ServiceAction[];
}

const ORDER: ManagedService[] = ['dnsmasq', 'bird', 'nginx', 'sshd'];

function want(service: ManagedService, changed: Map<FileRole, string[]>): { verb: ServiceVerb; why: string } | null {
  const paths = (r: FileRole) => changed.get(r)?.join(', ');
  switch (service) {
    case 'dnsmasq':
      if (changed.has('dnsmasq')) return { verb: 'restart', why: `${paths('dnsmasq')} changed (SIGHUP does not re-read it)` };
      if (changed.has('dnsmasq-hosts')) return { verb: 'reload', why: `${paths('dnsmasq-hosts')} changed (re-read on SIGHUP)` };
      return null;
    case 'bird':
      return changed.has('bird') ? { verb: 'reload', why: `${paths('bird')} changed` } : null;
    case 'nginx':
      return changed.has('nginx') ? { verb: 'reload', why: `${paths('nginx')} changed` } : null;
    case 'sshd':
      return changed.has('sshd') ? { verb: 'reload', why: `${paths('sshd')} changed` } : null;
  }
}

export function planServiceActions(input: ServiceActionInput, manager: ServiceManager): ServiceAction[] {
  const actions: ServiceAction[] = [];
  if (input.nftReload !== null) actions.push({ service: 'nftables', action: 'load', argv: input.nftArgv, why: input.nftReload });
  for (const service of ORDER) {
    let w = want(service, input.changed);
    if (input.running.get(service) === false) w = { verb: 'start', why: w ? `not running; ${w.why}` : 'not running' };
    if (w === null) continue;
    const cmds = manager.commands(service, w.verb);
    if (cmds === null) continue;
    const label = cmds.length > 1 ? ['stop', 'start'] : [w.verb];
    cmds.forEach((argv, i) => actions.push({ service, action: label[i]!, argv, why: w.why }));
  }
  return orderServiceActions(actions, input.pending, ['nftables', ...ORDER]);
}
