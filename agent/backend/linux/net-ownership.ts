// The Linux part of the ledger (common/dlan-ledger.ts): the interfaces, addresses and routes dlan
// owns. Ownership is what makes "change only the difference" safe: an address dlan added to a LAN
// device is removed when it leaves the config, an address somebody else put there never is.
import type { Ledger } from '../common/dlan-ledger.ts';

export interface OwnedAddress {
  device: string;
  cidr: string;
}

export interface OwnedRoute {
  family: 'ipv4' | 'ipv6';
  gateway: string;
  device: string;
}

/** The part of the ledger the interface reconciler reads and rewrites. */
export interface NetOwnership {
  /** Devices dlan created (wg0, VXLAN devices): everything on them is dlan's. */
  devices: string[];
  /** Addresses dlan added on devices it did not create (lo, LAN, WAN). */
  addresses: OwnedAddress[];
  /** Default routes dlan added for static WAN gateways. */
  routes: OwnedRoute[];
  /** Endpoint set per peer public key (`address:port`; for a name, the address it resolved to when set). */
  endpoints: Record<string, string>;
}

export type LinuxLedger = Ledger<NetOwnership>;

export function noNetOwnership(): NetOwnership {
  return { devices: [], addresses: [], routes: [], endpoints: {} };
}

/** Lists in a fixed order (the ledger's bytes must not change when nothing did). */
export function sortedOwnership(n: NetOwnership): NetOwnership {
  const byText = <T>(xs: T[]) => [...xs].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
  return { devices: [...new Set(n.devices)].sort(), addresses: byText(n.addresses), routes: byText(n.routes), endpoints: n.endpoints };
}
