// What the UCI renderer produces: for each package, the sections dlan-agent wants, each either
// created under a fixed `dlan_` name (or `wg0`, and the VXLAN interface names) or adopted from the
// stock configuration (the documented takeover list), plus the stock sections it replaces.
import type { UciValue } from '../uci/uci-model.ts';

export const UCI_PACKAGES = ['network', 'firewall', 'dhcp', 'system', 'dropbear'] as const;
export type UciPackageName = (typeof UCI_PACKAGES)[number];

/** How a stock section is found: by name, by position among its type, or by option values. */
export interface SectionSelector {
  type: string;
  name?: string;
  index?: number;
  match?: Record<string, string>;
}

export interface RenderedSection {
  /** The section's name when dlan-agent creates it (`dlan_…`, `wg0`, `dlan_vx4`); also its identity. */
  name: string;
  type: string;
  /** Stock section taken over in place (options dlan sets are saved for uninstall) when it exists. */
  adopt?: SectionSelector;
  /** The options dlan-agent owns, in render order. `null`: must be absent. */
  options: [string, UciValue | null][];
}

export interface RenderedUci {
  sections: Record<UciPackageName, RenderedSection[]>;
  /** Stock sections removed (and saved for uninstall) because dlan's own sections replace them. */
  replace: Record<UciPackageName, SectionSelector[]>;
}

/** Option names whose values never appear in a plan or a log. */
export const SECRET_OPTIONS = new Set(['private_key', 'preshared_key']);

export function describeSelector(s: SectionSelector): string {
  if (s.name !== undefined) return `${s.type} '${s.name}'`;
  if (s.match) return `${s.type} with ${Object.entries(s.match).map(([k, v]) => `${k}=${v}`).join(' ')}`;
  return `@${s.type}[${s.index ?? 0}]`;
}
