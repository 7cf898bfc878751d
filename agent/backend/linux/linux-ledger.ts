// What the Linux backend owns on a router, kept in <root>/etc/dlan/linux-ledger.json. Ownership is
// what makes "change only the difference" safe: an address dlan added to a LAN device is removed
// when it leaves the config, an address somebody else put there never is.
import type { ServiceAction } from '../backend.ts';
import type { RenderRecord } from '../common/change-cause.ts';

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
  /** Endpoint set per peer public key, as written in the config (host names are not comparable with `wg show`). */
  endpoints: Record<string, string>;
}

export interface LinuxLedger extends NetOwnership {
  schema: 1;
  backend: 'linux';
  /** Files dlan wrote (absolute router paths). */
  files: string[];
  /** Files that existed before dlan first wrote them: originals kept under /etc/dlan/originals. */
  takenOver: string[];
  /** Actions that failed on the last apply: retried by the next one (so it is not a no-op yet). */
  pendingActions: ServiceAction[];
  /** Digest of each target the last apply rendered: tells config, drift and dns apart (change-cause.ts). */
  rendered?: RenderRecord;
  /** The upstream DNS answers the last apply rendered with. */
  answers?: Record<string, string[]>;
}

export function emptyLedger(): LinuxLedger {
  return { schema: 1, backend: 'linux', files: [], takenOver: [], devices: [], addresses: [], routes: [], endpoints: {}, pendingActions: [] };
}

export function parseLedger(text: string | null): LinuxLedger {
  if (text === null) return emptyLedger();
  const raw = JSON.parse(text) as Partial<LinuxLedger>;
  if (raw.schema !== 1 || raw.backend !== 'linux') throw new Error('linux ledger: unknown format (expected schema 1, backend linux)');
  return { ...emptyLedger(), ...raw };
}

/** Stable text: sorted keys and lists, so an unchanged ledger is byte-identical (no write). */
export function serializeLedger(l: LinuxLedger): string {
  const byText = <T>(xs: T[]) => [...xs].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
  const ordered: LinuxLedger = {
    schema: 1,
    backend: 'linux',
    files: [...new Set(l.files)].sort(),
    takenOver: [...new Set(l.takenOver)].sort(),
    devices: [...new Set(l.devices)].sort(),
    addresses: byText(l.addresses),
    routes: byText(l.routes),
    endpoints: Object.fromEntries(Object.entries(l.endpoints).sort(([a], [b]) => (a < b ? -1 : 1))),
    pendingActions: l.pendingActions,
    ...(l.rendered ? { rendered: l.rendered } : {}),
    ...(l.answers ? { answers: l.answers } : {}),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
