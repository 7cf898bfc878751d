// Output formats: export (also the committed file), show, get and changes.
import { CMD_LIST_ADD, CMD_LIST_DEL, CMD_REMOVE, type UciOption, type UciPackage, type UciSection } from './tree.ts';

/** '...' quoting with ' written as '\'' (uci_print_value, delta lines). */
export function quoteValue(value: string): string {
  return `'${escape(value)}'`;
}

/** uci_escape: only ' is escaped (as '\''); the surrounding quotes are added by the caller. */
function escape(text: string): string {
  return text.split("'").join("'\\''");
}

/**
 * uci_export_package. The committed file is the same text without the header, which is why it
 * starts with an empty line. Anonymous sections get their cfg name only with -n.
 */
export function exportPackage(p: UciPackage, header: boolean, exportName: boolean): string {
  let out = header ? `package ${escape(p.name)}\n` : '';
  for (const s of p.sections) {
    out += `\nconfig ${escape(s.type)}`;
    if (!s.anonymous || exportName) out += ` '${escape(s.name)}'`;
    out += '\n';
    for (const o of s.options) {
      if (!o.isList) {
        out += `\toption ${escape(o.name)} '${escape(o.value)}'\n`;
      } else {
        for (const item of o.items) out += `\tlist ${escape(o.name)} '${escape(item)}'\n`;
      }
    }
  }
  return `${out}\n`;
}

/**
 * uci_show_value: `quote` (show) quotes every value; without it (get) strings are raw and list
 * items are quoted only when they contain whitespace.
 */
export function showValue(o: UciOption, quote: boolean, delimiter: string): string {
  if (!o.isList) return `${quote ? quoteValue(o.value) : o.value}\n`;
  const parts = o.items.map((item) => (!quote && !/[ \t\r\n]/.test(item) ? item : quoteValue(item)));
  return `${parts.join(delimiter)}\n`;
}

export function showOption(pkg: string, sectionRef: string, o: UciOption, delimiter: string): string {
  return `${pkg}.${sectionRef}.${o.name}=${showValue(o, true, delimiter)}`;
}

export function showSection(pkg: string, sectionRef: string, s: UciSection, delimiter: string): string {
  let out = `${pkg}.${sectionRef}=${s.type}\n`;
  for (const o of s.options) out += showOption(pkg, sectionRef, o, delimiter);
  return out;
}

/**
 * uci_show_package: with the extended syntax an anonymous section is shown as @type[i], where
 * i counts every earlier section of that type, named ones included.
 */
export function showPackage(p: UciPackage, extended: boolean, delimiter: string): string {
  const seen = new Map<string, number>();
  let out = '';
  for (const s of p.sections) {
    let ref = s.name;
    if (extended) {
      const idx = seen.get(s.type) ?? 0;
      if (s.anonymous) ref = `@${s.type}[${idx}]`;
      seen.set(s.type, idx + 1);
    }
    out += showSection(p.name, ref, s, delimiter);
  }
  return out;
}

/** uci_show_changes: rename and reorder look like a set; a removal never shows its value. */
export function showChanges(p: UciPackage): string {
  let out = '';
  for (const d of p.savedDelta) {
    const prefix = d.cmd === CMD_REMOVE ? '-' : '';
    const op = d.cmd === CMD_LIST_ADD ? '+=' : d.cmd === CMD_LIST_DEL ? '-=' : '=';
    out += `${prefix}${p.name}.${d.section}`;
    if (d.option !== null) out += `.${d.option}`;
    if (d.cmd !== CMD_REMOVE) out += `${op}${quoteValue(d.value ?? '')}`;
    out += '\n';
  }
  return out;
}
