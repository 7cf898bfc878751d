// The service planner: from what changed, the fewest graceful actions, in dependency order.
// Nothing changed → no action. netifd does not apply WireGuard peer edits on `reload`, hence
// `ifup wg0` when peer sections changed; bird re-reads its file with `birdc configure`, keeping
// its OSPF adjacencies; nginx and dnsmasq reload in place.
import type { ServiceAction } from '../../backend.ts';
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

function action(service: string, name: string, argv: string[], why: string): ServiceAction {
  return { service, action: name, argv, why };
}

export function planServiceActions(c: ChangeSummary): ServiceAction[] {
  const out: ServiceAction[] = [];
  if (c.packages.has('network')) {
    out.push(action('network', 'reload', ['/etc/init.d/network', 'reload'], 'network configuration changed'));
    if (c.peersChanged) out.push(action('network', `ifup ${c.wgInterface}`, ['ifup', c.wgInterface], 'WireGuard peers changed (netifd does not apply peer edits on reload)'));
  }
  if (c.packages.has('firewall')) {
    out.push(action('firewall', 'check', ['fw4', 'check'], 'firewall configuration changed: validate before loading'));
    out.push(action('firewall', 'reload', ['/etc/init.d/firewall', 'reload'], 'firewall configuration changed'));
  }
  if (c.odhcpd === 'disable') {
    out.push(action('odhcpd', 'disable', ['/etc/init.d/odhcpd', 'disable'], 'dnsmasq serves DHCPv6 and RA (it only does when odhcpd is disabled)'));
    out.push(action('odhcpd', 'stop', ['/etc/init.d/odhcpd', 'stop'], 'dnsmasq serves DHCPv6 and RA'));
  }
  if (c.odhcpd === 'enable') {
    out.push(action('odhcpd', 'enable', ['/etc/init.d/odhcpd', 'enable'], 'dlan-agent no longer serves DHCPv6 from dnsmasq'));
    out.push(action('odhcpd', 'start', ['/etc/init.d/odhcpd', 'start'], 'dlan-agent no longer serves DHCPv6 from dnsmasq'));
  }
  if (c.packages.has('dhcp') || c.odhcpd !== null) {
    out.push(action('dnsmasq', 'reload', ['/etc/init.d/dnsmasq', 'reload'], c.packages.has('dhcp') ? 'dhcp configuration changed' : 'odhcpd state changed'));
  }
  if (c.packages.has('system')) out.push(action('system', 'reload', ['/etc/init.d/system', 'reload'], 'hostname changed'));
  if (c.packages.has('dropbear')) out.push(action('dropbear', 'reload', ['/etc/init.d/dropbear', 'reload'], 'dropbear configuration changed'));
  const bird = c.files.get(BIRD_CONF);
  if (bird === 'add') out.push(action('bird', 'restart', ['/etc/init.d/bird', 'restart'], `${BIRD_CONF} written for the first time`));
  else if (bird === 'change') out.push(action('bird', 'configure', ['birdc', 'configure'], `${BIRD_CONF} changed (adjacencies survive)`));
  else if (bird === 'delete') out.push(action('bird', 'stop', ['/etc/init.d/bird', 'stop'], `${BIRD_CONF} removed`));
  if (c.files.has(NGINX_STREAM_FILE) || c.files.has(NGINX_STATUS_FILE)) {
    // The init script re-checks with `nginx -t` and signals the master; plain `nginx -s reload` would
    // read /etc/nginx/nginx.conf, which OpenWrt's nginx (run with -c /etc/nginx/uci.conf) does not use.
    out.push(action('nginx', 'reload', ['/etc/init.d/nginx', 'reload'], 'nginx stream configuration changed'));
  }
  return out;
}
