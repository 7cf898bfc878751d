// Emits uci batch commands and applies each one to an in-memory copy of the package, with uci's
// semantics for the few commands dlan-agent uses (set, delete, add_list, add, reorder). The copy
// after the last command is what the package must look like once the batch ran: the apply engine
// compares it with what uci reports, because `uci batch` exits 0 even when a command fails.
import type { UciPackage, UciSection, UciValue } from '../uci/uci-model.ts';
import { clonePackage, sectionRef } from '../uci/uci-model.ts';
import { quoteUci, validateName, validateType, validateValue } from '../../../base/uci-syntax.ts';

export class UciSimulator {
  readonly pkg: UciPackage;
  readonly commands: string[] = [];

  constructor(current: UciPackage) {
    this.pkg = clonePackage(current);
  }

  find(name: string): UciSection | undefined {
    return this.pkg.sections.find((s) => s.name === name);
  }

  indexOf(s: UciSection): number {
    const i = this.pkg.sections.indexOf(s);
    if (i === -1) throw new Error('internal: section is not in the simulated package');
    return i;
  }

  ref(s: UciSection): string {
    return `${this.pkg.name}.${sectionRef(this.pkg, this.indexOf(s))}`;
  }

  createNamed(name: string, type: string): UciSection {
    const s: UciSection = { name: validateName('section', name), type: validateType(type), options: [] };
    this.commands.push(`set ${this.pkg.name}.${name}=${type}`);
    this.pkg.sections.push(s);
    return s;
  }

  createAnonymous(type: string): UciSection {
    const s: UciSection = { name: null, type: validateType(type), options: [] };
    this.commands.push(`add ${this.pkg.name} ${type}`);
    this.pkg.sections.push(s);
    return s;
  }

  deleteSection(s: UciSection): void {
    this.commands.push(`delete ${this.ref(s)}`);
    this.pkg.sections.splice(this.indexOf(s), 1);
  }

  /** Moves a section to an absolute position, as `uci reorder` does. */
  reorder(s: UciSection, position: number): void {
    const from = this.indexOf(s);
    const to = Math.min(Math.max(position, 0), this.pkg.sections.length - 1);
    if (from === to) return;
    this.commands.push(`reorder ${this.ref(s)}=${to}`);
    this.pkg.sections.splice(from, 1);
    this.pkg.sections.splice(to, 0, s);
  }

  /**
   * Makes an option hold `value` (`null`: absent) with the fewest commands; returns whether it
   * changed. A list is rewritten whole (delete + add_list) when any item differs.
   */
  ensure(s: UciSection, option: string, value: UciValue | null): boolean {
    validateName('option', option);
    const where = `${this.pkg.name}.${s.name ?? s.type}.${option}`;
    const i = s.options.findIndex((o) => o.name === option);
    const cur = i === -1 ? undefined : s.options[i]!.value;
    if (value === null) {
      if (cur === undefined) return false;
      this.commands.push(`delete ${this.ref(s)}.${option}`);
      s.options.splice(i, 1);
      return true;
    }
    if (typeof value === 'string') {
      validateValue(where, value);
      if (cur === value) return false;
      this.commands.push(`set ${this.ref(s)}.${option}=${quoteUci(value)}`);
      if (i === -1) s.options.push({ name: option, value });
      else s.options[i] = { name: option, value };
      return true;
    }
    for (const v of value) validateValue(where, v);
    if (Array.isArray(cur) && cur.length === value.length && cur.every((v, k) => v === value[k])) return false;
    if (cur !== undefined) {
      this.commands.push(`delete ${this.ref(s)}.${option}`);
      s.options.splice(i, 1);
    }
    for (const v of value) this.commands.push(`add_list ${this.ref(s)}.${option}=${quoteUci(v)}`);
    if (value.length) s.options.push({ name: option, value: [...value] });
    return true;
  }
}
