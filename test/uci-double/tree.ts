// The in-memory configuration tree (libuci's uci_package / uci_section / uci_option) and the
// list primitives of list.c that decide names and positions.

export const CMD_ADD = 0;
export const CMD_REMOVE = 1;
export const CMD_CHANGE = 2;
export const CMD_RENAME = 3;
export const CMD_REORDER = 4;
export const CMD_LIST_ADD = 5;
export const CMD_LIST_DEL = 6;

/** One recorded change; `cmd` is one of the CMD_* values above. */
export interface UciDelta {
  cmd: number;
  section: string;
  option: string | null;
  value: string | null;
}

export interface UciOption {
  name: string;
  isList: boolean;
  /** the string value (when !isList) */
  value: string;
  /** the list items (when isList) */
  items: string[];
}

export interface UciSection {
  name: string;
  type: string;
  anonymous: boolean;
  options: UciOption[];
}

export interface UciPackage {
  name: string;
  sections: UciSection[];
  /** sections allocated so far: the NN of cfgNNHHHH (never decremented on delete) */
  nSection: number;
  /** changes made in this process, not yet saved */
  delta: UciDelta[];
  /** changes read back from the delta files (what `uci changes` prints) */
  savedDelta: UciDelta[];
  path: string | null;
  /** true when loaded from the config dir: edits go to delta files instead of the file */
  hasDelta: boolean;
}

export function allocPackage(name: string): UciPackage {
  return { name, sections: [], nSection: 0, delta: [], savedDelta: [], path: null, hasDelta: false };
}

/**
 * djb2 over the bytes of `text`, each added as a C `char`. On x86 `char` is signed, so bytes
 * >= 0x80 are added as negative numbers (names of non-ASCII types differ on ARM).
 */
export function djbHash(text: string): number {
  let hash = 5381;
  for (let i = 0; i < text.length; i++) {
    const byte = text.charCodeAt(i) & 0xff;
    const signedChar = byte >= 0x80 ? byte - 0x100 : byte;
    hash = (Math.imul(hash, 33) + signedChar) >>> 0;
  }
  return hash & 0x7fffffff;
}

/** uci_fixup_section: cfg + section counter (2+ hex digits) + low 16 bits of the type hash. */
export function anonymousName(counter: number, type: string): string {
  const hash = djbHash(type) % 0x10000;
  return `cfg${counter.toString(16).padStart(2, '0')}${hash.toString(16).padStart(4, '0')}`;
}

/**
 * uci_alloc_section: appended (or inserted at `index`), counted in nSection. An empty or absent
 * name makes it anonymous; the cfg name is given later by uci_add_section only.
 */
export function allocSection(p: UciPackage, type: string, name: string | null, index?: number): UciSection {
  const named = name !== null && name !== '';
  const s: UciSection = { name: named ? name : '', type, anonymous: !named, options: [] };
  p.nSection++;
  if (index === undefined) p.sections.push(s);
  else p.sections.splice(index, 0, s);
  return s;
}

export function lookupSection(p: UciPackage, name: string): UciSection | null {
  return p.sections.find((s) => s.name === name) ?? null;
}

export function lookupOption(s: UciSection, name: string): UciOption | null {
  return s.options.find((o) => o.name === name) ?? null;
}

export function stringOption(name: string, value: string): UciOption {
  return { name, isList: false, value, items: [] };
}

export function listOption(name: string, items: string[]): UciOption {
  return { name, isList: true, value: '', items };
}

/** uci_list_set_pos: move a section to absolute position `pos` (<= 0 front, past the end back). */
export function moveSection(p: UciPackage, s: UciSection, pos: number): void {
  const from = p.sections.indexOf(s);
  if (from >= 0) p.sections.splice(from, 1);
  const index = pos <= 0 ? 0 : Math.min(pos, p.sections.length);
  p.sections.splice(index, 0, s);
}
