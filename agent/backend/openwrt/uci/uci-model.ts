// An in-memory picture of one UCI package, as `uci export` prints it and agent/base/parse-uci-text.ts
// reads it: ordered sections, each with a type, a name (null = anonymous) and ordered options whose
// value is a string (`option`) or a list of strings (`list`). Everything the OpenWrt backend
// compares or simulates works on this.

import type { UciPackage, UciSection, UciValue } from '../../../base/parse-uci-text.ts';

export type { UciOption, UciPackage, UciSection, UciValue } from '../../../base/parse-uci-text.ts';

export function getOption(section: UciSection, name: string): UciValue | undefined {
  return section.options.find((o) => o.name === name)?.value;
}

export function sameValue(a: UciValue | undefined, b: UciValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** How `uci show` addresses a section: its name, or `@type[i]` (index among sections of its type). */
export function sectionRef(pkg: UciPackage, index: number): string {
  const s = pkg.sections[index]!;
  if (s.name !== null) return s.name;
  let n = 0;
  for (let i = 0; i < index; i++) if (pkg.sections[i]!.type === s.type) n++;
  return `@${s.type}[${n}]`;
}

export function cloneSection(s: UciSection): UciSection {
  return { name: s.name, type: s.type, options: s.options.map((o) => ({ name: o.name, value: Array.isArray(o.value) ? [...o.value] : o.value })) };
}

export function clonePackage(p: UciPackage): UciPackage {
  return { name: p.name, sections: p.sections.map(cloneSection) };
}

/**
 * Semantic equality as uci sees it: same sections in the same order (name, type), same options with
 * the same values. Option order inside a section is ignored: uci moves a replaced option to the end
 * on some paths, and no consumer (netifd, fw4, dnsmasq.init) depends on it.
 */
export function samePackage(a: UciPackage, b: UciPackage): boolean {
  return firstPackageDifference(a, b) === null;
}

/** A human-readable description of the first difference, or `null` when equal. */
export function firstPackageDifference(actual: UciPackage, expected: UciPackage): string | null {
  const n = Math.max(actual.sections.length, expected.sections.length);
  for (let i = 0; i < n; i++) {
    const a = actual.sections[i];
    const e = expected.sections[i];
    if (!a) return `section ${i} (${e!.name ?? `@${e!.type}`}) is missing`;
    if (!e) return `unexpected section ${i} (${a.name ?? `@${a.type}`})`;
    const label = `${expected.name}.${e.name ?? `${sectionRef(expected, i)}`}`;
    if (a.name !== e.name || a.type !== e.type) return `${label}: found ${a.type} '${a.name ?? '(anonymous)'}' at position ${i}`;
    if (a.options.length !== e.options.length) {
      const names = (s: UciSection) => s.options.map((o) => o.name).sort().join(',');
      return `${label}: options differ (${names(a)} vs ${names(e)})`;
    }
    for (const o of e.options) {
      if (!sameValue(getOption(a, o.name), o.value)) return `${label}.${o.name} differs`;
    }
  }
  return null;
}
