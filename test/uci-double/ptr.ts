// uci_ptr: parsing "package.section.option=value" tuples and looking them up (list.c, util.c).
import { strtolToInt } from './bytes.ts';
import type { UciContext } from './context.ts';
import { UCI_ERR_INVAL, UCI_ERR_NOTFOUND, UCI_ERR_PARSE, UciThrow } from './errors.ts';
import { validateName, validatePackage, validateText, validateType } from './names.ts';
import { lookupOption, lookupSection, type UciOption, type UciPackage, type UciSection } from './tree.ts';

export interface UciPtr {
  package: string | null;
  section: string | null;
  option: string | null;
  value: string | null;
  p: UciPackage | null;
  s: UciSection | null;
  o: UciOption | null;
  /** the section is not a plain name: @type[index] syntax */
  extended: boolean;
  /** lookup has run */
  done: boolean;
  /** everything named was found */
  complete: boolean;
}

export function emptyPtr(): UciPtr {
  return { package: null, section: null, option: null, value: null, p: null, s: null, o: null, extended: false, done: false, complete: false };
}

/** uci_parse_ptr: split at the first '=', then at up to two dots. Errors are parse errors. */
export function parsePtr(text: string): UciPtr {
  const ptr = emptyPtr();
  let str = text;
  const eq = str.indexOf('=');
  if (eq >= 0) {
    ptr.value = str.slice(eq + 1);
    str = str.slice(0, eq);
  }
  const parts = str.split('.');
  if (parts.length > 3) throw new UciThrow(UCI_ERR_PARSE);
  ptr.package = parts[0] ?? '';
  ptr.section = parts[1] ?? null;
  ptr.option = parts[2] ?? null;
  if (!validatePackage(ptr.package)) throw new UciThrow(UCI_ERR_PARSE);
  if (ptr.section !== null && !validateName(ptr.section)) ptr.extended = true;
  if (ptr.option !== null && !validateName(ptr.option)) throw new UciThrow(UCI_ERR_PARSE);
  if (ptr.value !== null && !validateText(ptr.value)) throw new UciThrow(UCI_ERR_PARSE);
  return ptr;
}

/** uci_lookup_ext_section: "@type[index]", "@[index]", negative indexes count from the end. */
function lookupExtSection(ptr: UciPtr, p: UciPackage): UciSection | null {
  const section = ptr.section ?? '';
  if (!section.startsWith('@')) throw new UciThrow(UCI_ERR_INVAL);
  const open = section.indexOf('[', 1);
  if (open < 0) throw new UciThrow(UCI_ERR_INVAL);
  const close = section.indexOf(']', open + 1);
  if (close < 0 || close !== section.length - 1) throw new UciThrow(UCI_ERR_INVAL);
  const parsed = strtolToInt(section.slice(open + 1, close));
  if (parsed.rest) throw new UciThrow(UCI_ERR_INVAL);
  const typeText = section.slice(1, open);
  const type = typeText === '' ? null : typeText;
  if (type !== null && !validateType(type)) throw new UciThrow(UCI_ERR_INVAL);
  const matching = p.sections.filter((s) => type === null || s.type === type);
  let idx = parsed.value;
  if (idx < 0) idx += matching.length;
  const found = idx >= 0 ? matching[idx] ?? null : null;
  if (found) ptr.section = found.name;
  return found;
}

/**
 * uci_lookup_ptr: finds (loading if needed) the package, then the section and option.
 * A missing package throws; a missing section or option only leaves `complete` false.
 */
export function lookupPtr(ctx: UciContext, ptr: UciPtr): void {
  ptr.done = true;
  let p = ptr.p ?? ctx.findPackage(ptr.package ?? '');
  if (!p) p = ctx.load(ptr.package ?? '');
  ptr.p = p;
  if (ptr.section === null && !ptr.s) {
    ptr.complete = true;
    return;
  }
  let s: UciSection | null;
  if (ptr.s) s = ptr.s;
  else if (ptr.extended) s = lookupExtSection(ptr, p);
  else s = lookupSection(p, ptr.section ?? '');
  if (!s) return;
  ptr.s = s;
  if (ptr.option !== null) {
    const o = lookupOption(s, ptr.option);
    if (!o) return;
    ptr.o = o;
  }
  ptr.complete = true;
}

/** uci_expand_ptr: look up when not done; `complete` demands everything was found. */
export function expandPtr(ctx: UciContext, ptr: UciPtr, complete: boolean): void {
  if (!ptr.done) lookupPtr(ctx, ptr);
  if (complete && !ptr.complete) throw new UciThrow(UCI_ERR_NOTFOUND);
  if (!ptr.p) throw new UciThrow(UCI_ERR_INVAL);
  if (ptr.p && ptr.package === null) ptr.package = ptr.p.name;
  if (ptr.s && ptr.section === null) ptr.section = ptr.s.name;
  if (ptr.o && ptr.option === null) ptr.option = ptr.o.name;
}
