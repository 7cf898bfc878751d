// The ownership ledger, `<root>/etc/dlan/ledger.json`: what dlan-agent created, which stock
// sections and options it took over (with their original values) and which files it writes.
// Nothing outside the ledger is ever modified or deleted. Original config files and files are
// saved once, on first touch, under `<root>/etc/dlan/original/` for `uninstall`.
import * as DLAN_PATHS from '../../base/dlan-paths.ts';
import { underRoot } from '../../base/dlan-paths.ts';
import type { Host } from '../../host/host.ts';
import type { RenderRecord } from '../common/change-cause.ts';
import type { SectionSelector } from './render/rendered-uci.ts';
import type { UciSection, UciValue } from './uci/uci-model.ts';

export interface OwnedSection {
  type: string;
  /** Options dlan-agent set (others on the section belong to the user and are left alone). */
  options: string[];
}

export interface AdoptedSection {
  selector: SectionSelector;
  /** Value of each option before dlan-agent first set it; `null`: it was absent. */
  original: Record<string, UciValue | null>;
}

export interface ReplacedSection {
  /** Position among all sections of the package when it was removed. */
  position: number;
  section: UciSection;
}

export interface PackageLedger {
  /** Whether the config file existed before dlan-agent touched it (its bytes are then saved). */
  originalExisted: boolean;
  owned: Record<string, OwnedSection>;
  /** Keyed by the name dlan would have created (`dlan_zone_lan`…). */
  adopted: Record<string, AdoptedSection>;
  replaced: ReplacedSection[];
}

export interface FileLedger {
  /** Whether the file existed before dlan-agent wrote it (its bytes are then saved). */
  originalExisted: boolean;
}

export interface Ledger {
  version: 1;
  router: string | null;
  packages: Record<string, PackageLedger>;
  files: Record<string, FileLedger>;
  /** dlan-agent disabled odhcpd so that dnsmasq serves DHCPv6/RA; uninstall re-enables it. */
  odhcpdDisabled: boolean;
  /** Digest of each target the last apply rendered: tells config, drift and dns apart (change-cause.ts). */
  rendered?: RenderRecord;
  /** The upstream DNS answers the last apply rendered with. */
  answers?: Record<string, string[]>;
}

export function emptyLedger(): Ledger {
  return { version: 1, router: null, packages: {}, files: {}, odhcpdDisabled: false };
}

export function emptyPackageLedger(originalExisted: boolean): PackageLedger {
  return { originalExisted, owned: {}, adopted: {}, replaced: [] };
}

export function isLedgerEmpty(l: Ledger): boolean {
  return Object.keys(l.packages).length === 0 && Object.keys(l.files).length === 0 && !l.odhcpdDisabled;
}

export interface StatePaths {
  root: string;
  stateDir: string;
  ledger: string;
  key: string;
  originals: string;
  snapshots: string;
  savedir: string;
  confdir: string;
}

export function statePaths(root: string): StatePaths {
  const r = (p: string) => underRoot(root, p);
  return {
    root: r(''),
    stateDir: r(DLAN_PATHS.stateDir),
    ledger: r(DLAN_PATHS.openwrtLedger),
    key: r(DLAN_PATHS.wireguardKey),
    originals: r(DLAN_PATHS.openwrtOriginals),
    snapshots: r(DLAN_PATHS.snapshots),
    savedir: r(DLAN_PATHS.uciSavedir),
    confdir: r('/etc/config'),
  };
}

export function serializeLedger(l: Ledger): string {
  return `${JSON.stringify(l, null, 2)}\n`;
}

export async function readLedger(host: Host, paths: StatePaths): Promise<Ledger> {
  const text = await host.files.read(paths.ledger);
  if (text === null) return emptyLedger();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${paths.ledger} is not valid JSON (${(e as Error).message}); refusing to guess what dlan-agent owns`);
  }
  const l = parsed as Ledger;
  if (l.version !== 1 || typeof l.packages !== 'object' || typeof l.files !== 'object') {
    throw new Error(`${paths.ledger} has an unknown format; refusing to guess what dlan-agent owns`);
  }
  return { ...emptyLedger(), ...l };
}
