// OpenWrt's rules for the service actions (common/order-service-actions.ts orders them, adds the
// retries): from what changed, the fewest graceful actions, mostly through procd's init scripts.
// Nothing changed → no action. netifd does not apply WireGuard peer edits on `reload`, hence
// `ifup wg0` when peer sections changed; bird re-reads its file with `birdc configure`, keeping
// its OSPF adjacencies; nginx and dnsmasq reload in place.
import type { ServiceAction } from '../../backend.ts';
import { orderServiceActions } from '../../common/order-service-actions.ts';
import { BIRD_CONF, NGINX_STATUS_FILE, NGINX_STREAM_FILE } from '../render/render-files.ts';

export interface ChangeSummary {
  /** UCI packages whose content changes. */
  packages: Set<string>;
  /** WireGuard peer sections were added, changed or removed. */
  peersChanged: boolean;
  wgInterface: string;
  /** Router paths of files written (`add`/`change`) or removed (`delete`). */
  files: Map<string, 'add' | 'change' | 'delete'>;
  /** odhcpd must be disabled (dnsmasq takes DHCPv6/RA) or enabled again. */
  odhcpd: 'disable' | 'enable' | null;
}

/** Dependency order: the network first, the firewall before anything listens, then the daemons. */
const ORDER = ['network', 'firewall', 'odhcpd', 'dnsmasq', 'system', 'dropbear', 'bird', 'nginx'];

function action(service: string, name: string, argv: string[], why: string): ServiceAction {
  return { service, action: name, argv, why };
}

/** `/etc/init.d/<service> <verb>`: procd's init script. */
const procd = (service: string, verb: string, why: string) => action(service, verb, [`/etc/init.d/${service}`, verb], why);

/** The actions for what changed, in order, with the last apply's failed ones (`pending`) retried. */
export function planServiceActions(c: ChangeSummary, pending: readonly ServiceAction[] = []): ServiceAction[] {
  const out: ServiceAction[] = [];
  if (c.packages.has('network')) {
    out.push(procd('network', 'reload', 'network configuration changed'));
    if (c.peersChanged) out.push(action('network', `ifup ${c.wgInterface}`, ['ifup', c.wgInterface], 'WireGuard peers changed (netifd does not apply peer edits on reload)'));
  }
  if (c.packages.has('firewall')) {
    out.push(action('firewall', 'check', ['fw4', 'check'], 'firewall configuration changed: validate before loading'));
    out.push(procd('firewall', 'reload', 'firewall configuration changed'));
  }
  if (c.odhcpd === 'disable') {
    out.push(procd('odhcpd', 'disable', 'dnsmasq serves DHCPv6 and RA (it only does when odhcpd is disabled)'));
    out.push(procd('odhcpd', 'stop', 'dnsmasq serves DHCPv6 and RA'));
  }
  if (c.odhcpd === 'enable') {
    out.push(procd('odhcpd', 'enable', 'dlan-agent no longer serves DHCPv6 from dnsmasq'));
    out.push(procd('odhcpd', 'start', 'dlan-agent no longer serves DHCPv6 from dnsmasq'));
  }
  if (c.packages.has('dhcp') || c.odhcpd !== null) {
    out.push(procd('dnsmasq', 'reload', c.packages.has('dhcp') ? 'dhcp configuration changed' : 'odhcpd state changed'));
  }
  if (c.packages.has('system')) out.push(procd('system', 'reload', 'hostname changed'));
  if (c.packages.has('dropbear')) out.push(procd('dropbear', 'reload', 'dropbear configuration changed'));
  const bird = c.files.get(BIRD_CONF);
  if (bird === 'add') out.push(procd('bird', 'restart', `${BIRD_CONF} written for the first time`));
  else if (bird === 'change') out.push(action('bird', 'configure', ['birdc', 'configure'], `${BIRD_CONF} changed (adjacencies survive)`));
  else if (bird === 'delete') out.push(procd('bird', 'stop', `${BIRD_CONF} removed`));
  if (c.files.has(NGINX_STREAM_FILE) || c.files.has(NGINX_STATUS_FILE)) {
    // The init script re-checks with `nginx -t` and signals the master; plain `nginx -s reload` would
    // read /etc/nginx/nginx.conf, which OpenWrt's nginx (run with -c /etc/nginx/uci.conf) does not use.
    out.push(procd('nginx', 'reload', 'nginx stream configuration changed'));
  }
  return orderServiceActions(out, pending, ORDER);
}
