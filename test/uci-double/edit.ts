// The editing operations of list.c. `internal` is libuci's UCI_INTERNAL: the parser and the
// delta replay edit without recording a change; the CLI records every change in p.delta.
import { sscanfInt } from './bytes.ts';
import type { UciContext } from './context.ts';
import { UCI_ERR_INVAL, uciAssert, uciThrow } from './errors.ts';
import { validateType } from './names.ts';
import { expandPtr, type UciPtr } from './ptr.ts';
import {
  allocSection,
  anonymousName,
  CMD_ADD,
  CMD_CHANGE,
  CMD_LIST_ADD,
  CMD_LIST_DEL,
  CMD_REMOVE,
  CMD_RENAME,
  CMD_REORDER,
  listOption,
  lookupOption,
  moveSection,
  stringOption,
  type UciPackage,
  type UciSection,
} from './tree.ts';

function record(p: UciPackage, internal: boolean, cmd: number, section: string, option: string | null, value: string | null): void {
  if (!internal && p.hasDelta) p.delta.push({ cmd, section, option, value });
}

/** uci_set: create or change a section (value = type) or an option; "" deletes. */
export function uciSet(ctx: UciContext, ptr: UciPtr, internal: boolean): void {
  expandPtr(ctx, ptr, false);
  const p = ptr.p as UciPackage;
  const value = ptr.value;
  uciAssert(value !== null);
  uciAssert(ptr.s || (ptr.option === null && ptr.section !== null));
  if (ptr.option === null && value !== '') uciAssert(validateType(value));
  if (!ptr.o && ptr.s && ptr.option !== null) ptr.o = lookupOption(ptr.s, ptr.option);

  if (value === '') {
    // setting something missing to nothing is fine; otherwise it is a delete. libuci calls
    // uci_delete as a public call here, so even a replayed "=''" line records a removal.
    if (!ptr.complete) return;
    uciDelete(ctx, ptr, false);
    return;
  }
  if (!ptr.o && ptr.option !== null) {
    const s = ptr.s as UciSection;
    ptr.o = stringOption(ptr.option, value);
    s.options.push(ptr.o);
  } else if (!ptr.s && ptr.section !== null) {
    ptr.s = allocSection(p, value, ptr.section);
  } else if (ptr.o && ptr.option !== null) {
    if (!ptr.o.isList && ptr.o.value === value) return;
    // the option is replaced where it stands (a list becomes a string)
    const s = ptr.s as UciSection;
    const replacement = stringOption(ptr.o.name, value);
    s.options[s.options.indexOf(ptr.o)] = replacement;
    ptr.o = replacement;
  } else if (ptr.s && ptr.section !== null) {
    if (ptr.s.type === value) return;
    // a type of another length makes libuci rebuild the section under its current name,
    // and the rebuilt section is no longer anonymous
    if (ptr.s.type.length !== value.length) ptr.s.anonymous = false;
    ptr.s.type = value;
  } else {
    uciThrow(UCI_ERR_INVAL);
  }
  record(p, internal, CMD_CHANGE, ptr.section as string, ptr.option, value);
}

/**
 * uci_delete: a section, an option, or (value = index) one item of a list.
 * Returns 1 when the index does not scan as a number (libuci's bare `return 1`).
 */
export function uciDelete(ctx: UciContext, ptr: UciPtr, internal: boolean): number {
  expandPtr(ctx, ptr, true);
  const p = ptr.p as UciPackage;
  uciAssert(ptr.s);
  const s = ptr.s;
  if (ptr.o && ptr.o.isList && ptr.value !== null && ptr.value !== '') {
    const scanned = sscanfInt(ptr.value);
    if (scanned.kind === 'nomatch') return 1;
    // sscanf's EOF (a blank value) leaves the C index uninitialised; 0 is what was observed
    let index = scanned.kind === 'ok' ? scanned.value : 0;
    const items = ptr.o.items;
    for (let i = 0; i < items.length; i++) {
      if (index === 0) {
        record(p, internal, CMD_REMOVE, ptr.section as string, ptr.option, ptr.value);
        items.splice(i, 1);
        return 0;
      }
      index--;
    }
    return 0;
  }
  record(p, internal, CMD_REMOVE, ptr.section as string, ptr.option, null);
  if (ptr.o) {
    s.options.splice(s.options.indexOf(ptr.o), 1);
    ptr.o = null;
  } else {
    p.sections.splice(p.sections.indexOf(s), 1);
    ptr.s = null;
  }
  return 0;
}

/** uci_add_list: append an item; a string option turns into a list in place. */
export function uciAddList(ctx: UciContext, ptr: UciPtr, internal: boolean): void {
  expandPtr(ctx, ptr, false);
  const p = ptr.p as UciPackage;
  uciAssert(ptr.s);
  const value = ptr.value;
  uciAssert(value !== null);
  const s = ptr.s;
  if (ptr.o && !ptr.o.isList) {
    const converted = listOption(ptr.o.name, [ptr.o.value]);
    s.options[s.options.indexOf(ptr.o)] = converted;
    ptr.o = converted;
  } else if (!ptr.o && ptr.option !== null) {
    ptr.o = listOption(ptr.option, []);
    s.options.push(ptr.o);
  }
  // without an option part libuci hangs a nameless list on the section; only the delta
  // line (which is rejected when read back) outlives the process
  record(p, internal, CMD_LIST_ADD, ptr.section as string, ptr.option, value);
  if (ptr.o) ptr.o.items.push(value);
}

/** uci_del_list: remove every equal item; nothing happens (no delta) on a string option. */
export function uciDelList(ctx: UciContext, ptr: UciPtr, internal: boolean): void {
  expandPtr(ctx, ptr, false);
  const p = ptr.p as UciPackage;
  uciAssert(ptr.s);
  const value = ptr.value;
  uciAssert(value !== null);
  if (!(ptr.o && ptr.option !== null)) return;
  if (!ptr.o.isList) return;
  record(p, internal, CMD_LIST_DEL, ptr.section as string, ptr.option, value);
  ptr.o.items = ptr.o.items.filter((item) => item !== value);
}

/** uci_rename: no check for clashes or valid names (the delta replay is stricter). */
export function uciRename(ctx: UciContext, ptr: UciPtr, internal: boolean): void {
  expandPtr(ctx, ptr, true);
  const p = ptr.p as UciPackage;
  uciAssert(ptr.s);
  const value = ptr.value;
  uciAssert(value !== null);
  record(p, internal, CMD_RENAME, ptr.section as string, ptr.option, value);
  if (ptr.o) {
    ptr.o.name = value;
  } else {
    ptr.s.name = value;
    ptr.s.anonymous = false;
  }
}

/** uci_reorder_section: move to an absolute position. */
export function uciReorderSection(p: UciPackage, s: UciSection, pos: number, internal: boolean): void {
  moveSection(p, s, pos);
  record(p, internal, CMD_REORDER, s.name, null, String(pos));
}

/** uci_add_section: a new anonymous section; the type is not validated. */
export function uciAddSection(p: UciPackage, type: string, internal: boolean): UciSection {
  const s = allocSection(p, type, null);
  s.name = anonymousName(p.nSection, type);
  record(p, internal, CMD_ADD, s.name, null, type);
  return s;
}
