// /etc/config/system and /etc/config/dropbear: only the options dlan needs, set on the stock
// sections (the hostname; password logins off when dlan manages SSH keys).
import type { DesiredState } from '../../../slice/desired-state.ts';
import type { RenderedSection } from './rendered-uci.ts';

export function renderUciSystem(state: DesiredState): RenderedSection[] {
  return [{ name: 'dlan_system', type: 'system', adopt: { type: 'system', index: 0 }, options: [['hostname', state.hostname]] }];
}

/**
 * Dropbear: no password logins once keys are managed. Whether SSH is reachable from the WAN is the
 * firewall's job (the `dlan_tcp_22` rule), so dropbear keeps listening on every interface and the
 * mesh and LANs can always reach it. `ssh: null` leaves dropbear alone.
 */
export function renderUciDropbear(state: DesiredState): RenderedSection[] {
  if (state.ssh === null) return [];
  return [
    {
      name: 'dlan_dropbear',
      type: 'dropbear',
      adopt: { type: 'dropbear', index: 0 },
      options: [
        ['PasswordAuth', '0'],
        ['RootPasswordAuth', '0'],
      ],
    },
  ];
}
