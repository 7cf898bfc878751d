// The minimal change set for one UCI package: from what the router has, what dlan-agent owns
// (the ledger) and what it wants (the rendered sections), the batch commands, the package as it
// must look afterwards, the updated ledger and a readable list of changes.
//
// Rules: sections dlan created are updated option by option (options a user added survive) and
// deleted when they leave the desired state; adopted stock sections get only dlan's options, and
// get their original values back when dlan lets go; replaced stock sections are deleted and saved.
// Any other section is never touched, and a foreign section with a name dlan needs is a conflict.
import type { Difference } from '../../backend.ts';
import type { AdoptedSection, PackageLedger } from '../uci-ownership.ts';
import { emptyPackageLedger } from '../uci-ownership.ts';
import type { RenderedSection, SectionSelector } from '../render/rendered-uci.ts';
import { describeSelector, SECRET_OPTIONS } from '../render/rendered-uci.ts';
import type { UciPackage, UciSection, UciValue } from '../uci/uci-model.ts';
import { cloneSection, getOption } from '../uci/uci-model.ts';
import { UciSimulator } from './uci-simulator.ts';

export class OwnershipConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OwnershipConflictError';
  }
}

export interface PackagePlan {
  pkg: string;
  commands: string[];
  /** The package once the commands ran. */
  expected: UciPackage;
  /** `null`: dlan-agent owns nothing in this package any more. */
  ledger: PackageLedger | null;
  changes: Difference[];
  /** Types of the sections that change (`wireguard_wg0` tells the planner peers changed). */
  changedTypes: Set<string>;
}

export interface PackagePlanInput {
  pkg: string;
  current: UciPackage | null;
  ledger: PackageLedger | undefined;
  /** `uninstall`: let go of everything and put replaced sections back. */
  mode: 'apply' | 'uninstall';
  rendered: RenderedSection[];
  replace: SectionSelector[];
}

function show(option: string, v: UciValue | null | undefined): string {
  if (v === undefined || v === null) return '(absent)';
  if (SECRET_OPTIONS.has(option)) return '(secret)';
  return Array.isArray(v) ? `[${v.map((x) => `'${x}'`).join(' ')}]` : `'${v}'`;
}

export function matches(s: UciSection, sel: SectionSelector): boolean {
  if (s.type !== sel.type) return false;
  if (sel.name !== undefined) return s.name === sel.name;
  if (sel.match) return Object.entries(sel.match).every(([k, v]) => getOption(s, k) === v);
  return true;
}

export function planUciPackage(input: PackagePlanInput): PackagePlan {
  const { pkg } = input;
  const sim = new UciSimulator(input.current ?? { name: pkg, sections: [] });
  const ledger: PackageLedger = input.ledger ? structuredClone(input.ledger) : emptyPackageLedger(input.current !== null);
  const changes: Difference[] = [];
  const changedTypes = new Set<string>();
  const rendered = input.mode === 'apply' ? input.rendered : [];
  const replace = input.mode === 'apply' ? input.replace : [];
  const renderedNames = new Set(rendered.map((r) => r.name));

  const ownedSections = () => new Set(Object.keys(ledger.owned).map((n) => sim.find(n)).filter((s): s is UciSection => s !== undefined));
  const adoptedNow = new Set<UciSection>();
  const resolve = (sel: SectionSelector): UciSection | undefined => {
    const owned = ownedSections();
    const candidates = sim.pkg.sections.filter((s) => !owned.has(s) && !adoptedNow.has(s) && s.type === sel.type);
    if (sel.index !== undefined && sel.name === undefined && !sel.match) {
      // Position among ALL sections of the type, as `@type[i]` means.
      const all = sim.pkg.sections.filter((s) => s.type === sel.type);
      const s = all[sel.index];
      return s && candidates.includes(s) ? s : undefined;
    }
    return candidates.find((s) => matches(s, sel));
  };

  const record = (label: string, op: Difference['op'], type: string, lines: string[]) => {
    changedTypes.add(type);
    changes.push({ kind: 'uci', target: `${pkg}.${label}`, op, detail: lines.join('\n') });
  };
  const ensureAll = (s: UciSection, wanted: [string, UciValue | null][]): string[] => {
    const lines: string[] = [];
    for (const [opt, v] of wanted) {
      const before = getOption(s, opt);
      if (!sim.ensure(s, opt, v)) continue;
      // A secret replaced by another secret: say that it changed, never what either value is.
      const secretChanged = SECRET_OPTIONS.has(opt) && before !== undefined && before !== null && v !== null;
      lines.push(secretChanged ? `${opt}: (secret changed)` : `${opt}: ${show(opt, before)} → ${show(opt, v)}`);
    }
    return lines;
  };

  // 1. Adopted stock sections, first: they are addressed by position (`@zone[1]`), which the
  //    deletions below would shift.
  const handledByAdoption = new Set<string>();
  for (const r of rendered) {
    if (ledger.owned[r.name] && sim.find(r.name)) continue;
    const prev = ledger.adopted[r.name];
    let target = prev ? resolve(prev.selector) : undefined;
    let entry: AdoptedSection | undefined = target ? prev : undefined;
    if (!target && r.adopt && !ledger.owned[r.name]) {
      target = resolve(r.adopt);
      if (target) entry = { selector: r.adopt, original: {} };
    }
    if (!target || !entry) {
      delete ledger.adopted[r.name];
      continue;
    }
    adoptedNow.add(target);
    handledByAdoption.add(r.name);
    const ref = sim.ref(target).slice(pkg.length + 1);
    const what = describeSelector(entry.selector);
    const label = what === ref ? ref : `${ref} (${what})`;
    for (const [opt] of r.options) if (!(opt in entry.original)) entry.original[opt] = getOption(target, opt) ?? null;
    const wanted: [string, UciValue | null][] = [...r.options];
    for (const opt of Object.keys(entry.original)) {
      if (!r.options.some(([o]) => o === opt)) {
        wanted.push([opt, entry.original[opt] ?? null]);
        delete entry.original[opt];
      }
    }
    const lines = ensureAll(target, wanted);
    if (lines.length) record(label, 'change', target.type, [`taken over from the stock configuration`, ...lines]);
    ledger.adopted[r.name] = entry;
  }
  for (const key of Object.keys(ledger.adopted)) {
    if (handledByAdoption.has(key)) continue;
    const entry = ledger.adopted[key]!;
    const target = resolve(entry.selector);
    if (target) {
      const label = sim.ref(target).slice(pkg.length + 1);
      const lines = ensureAll(target, Object.entries(entry.original));
      if (lines.length) record(label, 'change', target.type, ['given back: original values restored', ...lines]);
    }
    delete ledger.adopted[key];
  }

  // 2. Sections dlan created that are no longer wanted.
  for (const name of Object.keys(ledger.owned)) {
    if (renderedNames.has(name) && !handledByAdoption.has(name)) continue;
    const s = sim.find(name);
    if (s) {
      sim.deleteSection(s);
      record(name, 'delete', s.type, ['no longer in the desired state']);
    }
    delete ledger.owned[name];
  }

  // 3. Stock sections dlan replaces: deleted here, saved in the ledger for uninstall.
  for (const sel of replace) {
    const s = resolve(sel);
    if (!s) continue;
    const label = sim.ref(s).slice(pkg.length + 1);
    ledger.replaced.push({ position: sim.indexOf(s), section: cloneSection(s) });
    sim.deleteSection(s);
    record(`${label} (${describeSelector(sel)})`, 'delete', s.type, ['stock section replaced by dlan-agent (saved; `dlan-agent uninstall` puts it back)']);
  }

  // 4. Sections dlan creates and keeps up to date.
  for (const r of rendered) {
    if (handledByAdoption.has(r.name)) continue;
    let s = sim.find(r.name);
    if (s && !ledger.owned[r.name]) {
      throw new OwnershipConflictError(
        `${pkg}.${r.name} exists but was not created by dlan-agent (it is not in the ledger); rename or remove it, then apply again`,
      );
    }
    let created = false;
    if (s && s.type !== r.type) {
      sim.deleteSection(s);
      s = undefined;
    }
    if (!s) {
      s = sim.createNamed(r.name, r.type);
      created = true;
    }
    const previous = ledger.owned[r.name]?.options ?? [];
    // `null` on a section dlan created means "not dlan's": removed only if dlan had set it before,
    // so an option the user added to a dlan section survives.
    const wanted: [string, UciValue | null][] = r.options.filter(([o, v]) => v !== null || previous.includes(o));
    for (const opt of previous) if (!r.options.some(([o]) => o === opt)) wanted.push([opt, null]);
    const lines = ensureAll(s, wanted);
    if (created) record(r.name, 'add', r.type, [`config ${r.type} '${r.name}'`, ...lines]);
    else if (lines.length) record(r.name, 'change', r.type, lines);
    ledger.owned[r.name] = { type: r.type, options: r.options.filter(([, v]) => v !== null).map(([o]) => o) };
  }

  // 5. Uninstall: put the replaced stock sections back, last removed first, where they were.
  if (input.mode === 'uninstall') {
    for (const rep of [...ledger.replaced].reverse()) {
      const orig = rep.section;
      if (orig.name !== null && sim.find(orig.name)) continue; // the user re-created it meanwhile
      const s = orig.name === null ? sim.createAnonymous(orig.type) : sim.createNamed(orig.name, orig.type);
      ensureAll(s, orig.options.map((o) => [o.name, o.value]));
      sim.reorder(s, rep.position);
      record(`${sim.ref(s).slice(pkg.length + 1)}`, 'add', orig.type, ['stock section put back']);
    }
    ledger.replaced = [];
  }

  const ownsNothing = Object.keys(ledger.owned).length === 0 && Object.keys(ledger.adopted).length === 0 && ledger.replaced.length === 0;
  return {
    pkg,
    commands: sim.commands,
    expected: sim.pkg,
    // A package dlan never owned anything in stays out of the ledger; one it did stays in it until
    // uninstall, so uninstall can still put its original file back byte for byte.
    ledger: input.mode === 'uninstall' || (ownsNothing && !input.ledger) ? null : ledger,
    changes,
    changedTypes,
  };
}
