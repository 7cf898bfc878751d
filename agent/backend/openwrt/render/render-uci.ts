// The pure UCI renderer: one router's desired state → the sections of every package dlan-agent
// manages, one converter per package. No I/O; the private key is passed in by the backend.
import type { DesiredState } from '../../../slice/desired-state.ts';
import { DHCP_TAKEOVER, renderUciDhcp } from './render-uci-dhcp.ts';
import { renderUciFirewall } from './render-uci-firewall.ts';
import { NETWORK_TAKEOVER, renderUciNetwork } from './render-uci-network.ts';
import { renderUciDropbear, renderUciSystem } from './render-uci-system.ts';
import type { RenderedUci } from './rendered-uci.ts';

export function renderUci(state: DesiredState, privateKey: string): RenderedUci {
  return {
    sections: {
      network: renderUciNetwork(state, privateKey),
      firewall: renderUciFirewall(state),
      dhcp: renderUciDhcp(state),
      system: renderUciSystem(state),
      dropbear: renderUciDropbear(state),
    },
    replace: { network: NETWORK_TAKEOVER, firewall: [], dhcp: DHCP_TAKEOVER, system: [], dropbear: [] },
  };
}
