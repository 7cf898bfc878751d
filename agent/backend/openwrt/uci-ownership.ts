// The OpenWrt part of the ledger (common/dlan-ledger.ts): which UCI sections and options dlan-agent
// created or took over (with their original values), per package, and whether it disabled odhcpd.
// Nothing outside it is ever modified or deleted; the config files as they were before dlan first
// touched them are saved under /etc/dlan/originals for `uninstall`.
import type { Ledger } from '../common/dlan-ledger.ts';
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

export interface UciOwnership {
  packages: Record<string, PackageLedger>;
  /** dlan-agent disabled odhcpd so that dnsmasq serves DHCPv6/RA; uninstall re-enables it. */
  odhcpdDisabled: boolean;
}

export type OpenwrtLedger = Ledger<UciOwnership>;

export const noUciOwnership = (): UciOwnership => ({ packages: {}, odhcpdDisabled: false });

export function emptyPackageLedger(originalExisted: boolean): PackageLedger {
  return { originalExisted, owned: {}, adopted: {}, replaced: [] };
}

export function ownsNothing(l: OpenwrtLedger): boolean {
  return Object.keys(l.own.packages).length === 0 && Object.keys(l.files).length === 0 && !l.own.odhcpdDisabled;
}
