// The pure UCI renderer: one router's desired state → the sections of every package dlan-agent
// manages, one converter per package. No I/O; the private key and the opened link
// preshared keys are passed in by the backend.
import type { LinkSecrets } from '../../../secrets/open-link-secrets.ts';
import type { DesiredState } from '../../../slice/desired-state.ts';
import { DHCP_TAKEOVER, renderUciDhcp } from './render-uci-dhcp.ts';
import { renderUciFirewall } from './render-uci-firewall.ts';
import { NETWORK_TAKEOVER, renderUciNetwork } from './render-uci-network.ts';
import { renderUciDropbear, renderUciSystem } from './render-uci-system.ts';
import type { RenderedUci } from './rendered-uci.ts';

/** A config that names the stock bridge (`br-lan`) as one of its devices keeps that bridge. */
function networkTakeover(state: DesiredState) {
  const devices = new Set([...state.wan.map((w) => w.device), ...state.lan.map((l) => l.device)]);
  return NETWORK_TAKEOVER.filter((sel) => sel.type !== 'device' || !devices.has(sel.match?.name ?? ''));
}

export function renderUci(state: DesiredState, privateKey: string, psks: LinkSecrets = {}): RenderedUci {
  return {
    sections: {
      network: renderUciNetwork(state, privateKey, psks),
      firewall: renderUciFirewall(state),
      dhcp: renderUciDhcp(state),
      system: renderUciSystem(state),
      dropbear: renderUciDropbear(state),
    },
    replace: { network: networkTakeover(state), firewall: [], dhcp: DHCP_TAKEOVER, system: [], dropbear: [] },
  };
}
