// Reads UCI text (a file of /etc/config, or what `uci export` prints) exactly as libuci's parser
// does (openwrt/uci file.c, list.c, util.c), so the agent sees the values uci and the daemons on
// the router see. The parser works on one line buffer at a time and cuts it up in place; the few
// places where that shows are kept, as /work/shared/uci-conformance recorded them:
// - `#` starts a comment even inside an unquoted word (`x#y` is `x`), never inside quotes;
// - a backslash drops itself before any character, in bare words and in "…" (`\t` is `t`), and
//   before a line end it joins the next line; '…' takes every byte literally;
// - `option a` and `option a ''` set nothing; a `list` after an `option` of the same name turns
//   it into a list that keeps the option's value; a repeated option replaces the value in place;
// - a named section declared twice with the same type is one section, with another type an error;
// - `;` separates statements, but ends the line when it directly follows a bare word;
// - keywords may be abbreviated to their first letter (`c`, `o`, `l`, `p`).
// Errors read like uci's: reason, line, and the offset in the line buffer ("byte", counted in
// characters here).

import { UCI_NAME } from './uci-syntax.ts';

export type UciValue = string | string[];

export interface UciOption {
  name: string;
  value: UciValue;
}

export interface UciSection {
  /** `null` for an anonymous section (`config zone` without a name). */
  name: string | null;
  type: string;
  options: UciOption[];
}

export interface UciPackage {
  name: string;
  sections: UciSection[];
}

export class UciSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly byte: number,
  ) {
    super(`${reason} at line ${line}, byte ${byte}`);
    this.name = 'UciSyntaxError';
  }
}

/** One package: a config file named `name` (a `package` line in it is checked, then ignored). */
export function parseUciText(text: string, name: string): UciPackage {
  return parse(text, name)[0]!;
}

/** What `uci export` prints for all packages: each package after its `package` line. */
export function parseUciExport(text: string): Map<string, UciPackage> {
  return new Map(parse(text, null).map((p) => [p.name, p]));
}

const isSpace = (c: string): boolean => c === ' ' || (c >= '\t' && c <= '\r');

/** uci_validate_str: package names are names that may hold `-`, types any printable ASCII but space. */
const VALID = { name: UCI_NAME, package: /^[\w-]+$/, type: /^[!-~]+$/ };

/** uci_fixup_section: the cfgNNHHHH name libuci gives an anonymous section (it can be named later). */
function anonymousName(counter: number, type: string): string {
  let hash = 5381;
  for (const c of type) hash = (Math.imul(hash, 33) + c.charCodeAt(0)) >>> 0;
  return `cfg${counter.toString(16).padStart(2, '0')}${(hash & 0xffff).toString(16).padStart(4, '0')}`;
}

const KEYWORDS = ['package', 'config', 'option', 'list'];

/** uci_import: `single` names the one package of a config file; `null` reads `package` lines. */
function parse(text: string, single: string | null): UciPackage[] {
  const packages: UciPackage[] = [];
  let pkg = null as UciPackage | null;
  let section = null as UciSection | null;
  let named = new Map<string, UciSection>();
  let count = 0;
  // The line buffer, one character a slot as libuci's char array (appending a line and writing a
  // terminator stay cheap however long a quoted value runs): '\0' where the parser wrote one.
  const buf: string[] = [];
  let filled = 0;
  let pos = 0;
  let at = 0;
  let line = 0;

  const ch = (i = pos): string => buf[i] ?? '\0';
  const fail = (reason: string): never => {
    throw new UciSyntaxError(reason, line, pos);
  };
  const terminate = (i: number) => {
    if (i < buf.length) buf[i] = '\0';
  };
  /** uci_getln: the next line of the text replaces the buffer from `offset` on. */
  const getln = (offset: number) => {
    buf.length = offset;
    if (at >= text.length) return;
    const end = text.indexOf('\n', at) + 1 || text.length;
    for (let i = at; i < end; i++) buf.push(text[i]!);
    filled = buf.length;
    if (text[end - 1] === '\n') line++;
    at = end;
  };
  /** parse_backslash: true when the next character is taken literally, false on a line continuation. */
  const backslash = (): boolean => {
    pos++;
    const c = ch();
    if (c !== '\0' && c !== '\n' && !(c === '\r' && ch(pos + 1) === '\n' && ch(pos + 2) === '\0')) return true;
    getln(pos);
    return false;
  };
  /** parse_str: one argument, quoted and bare pieces glued together. */
  const word = (): string => {
    const start = pos;
    const out: string[] = [];
    let next = true;
    do {
      const c = ch();
      if (c === "'" || c === '"') {
        pos++;
        for (;;) {
          const d = ch();
          if (d === c) break;
          if (d === '\0') {
            getln(pos);
            if (ch() === '\0') fail(`EOF with unterminated ${c}`);
          } else if (d !== '\\' || c === "'" || backslash()) {
            out.push(ch());
            pos++;
          }
        }
        pos++;
      } else if (c === '#') {
        terminate(pos);
        break;
      } else if (c === '\0') {
        break;
      } else if (c === ';') {
        next = false;
        break;
      } else if (c !== '\\' || backslash()) {
        out.push(ch());
        pos++;
      }
    } while (ch() !== '\0' && !isSpace(ch()));
    if (ch() !== '\0' && next) pos++;
    // The word is terminated in place: where nothing was dropped from it, on the `;` itself.
    if (start + out.length === pos) terminate(pos);
    return out.join('');
  };
  /** next_arg: '' when the statement has no more arguments. */
  const arg = (required: boolean, kind?: 'name' | 'package'): string => {
    while (isSpace(ch())) pos++;
    let value = '';
    if (ch() === ';') pos++;
    else value = word();
    if (value === '') {
      if (required) fail('insufficient arguments');
    } else if (kind && !VALID[kind].test(value)) fail('invalid character in name field');
    return value;
  };
  const endOfStatement = () => {
    while (isSpace(ch())) pos++;
    if (arg(false) !== '') fail('too many arguments');
  };
  const open = (name: string) => {
    if (packages.some((p) => p.name === name)) fail(`package ${name} appears twice`);
    pkg = { name, sections: [] };
    packages.push(pkg);
    section = null;
    named = new Map();
    count = 0;
  };

  while (at < text.length) {
    pos = 0;
    getln(0);
    while (isSpace(ch())) pos++;
    // uci_parse_line: statements until the buffer ends (strtok on " \t" finds each keyword)
    for (;;) {
      let from = pos;
      while (ch(from) === ' ' || ch(from) === '\t') from++;
      let to = from;
      while (ch(to) !== '\0' && ch(to) !== ' ' && ch(to) !== '\t') to++;
      const kw = buf.slice(from, to).join('');
      if (kw === '' || kw[0] === '#') break;
      const keyword = KEYWORDS.find((k) => k === kw || k[0] === kw);
      if (keyword === undefined) fail('invalid command');
      if (keyword === 'config' && !pkg) {
        if (single === null) fail('attempting to import a file without a package name');
        open(single!);
      }
      if ((keyword === 'option' || keyword === 'list') && !section) fail('option/list command found before the first section');
      if (to + 1 > filled) fail(`${keyword === 'list' ? 'option' : keyword} without name`);
      pos = to + 1;
      if (keyword === 'package') {
        const name = arg(true, 'package');
        endOfStatement();
        if (single === null) open(name);
      } else if (keyword === 'config') {
        const type = arg(true);
        if (!VALID.type.test(type)) fail('invalid character in type field');
        const name = arg(false, 'name');
        endOfStatement();
        const p = pkg!;
        const found = name === '' ? undefined : named.get(name);
        if (found && found.type !== type) fail('section of different type overwrites prior section with same name');
        section = found ?? { name: name || null, type, options: [] };
        if (!found) {
          p.sections.push(section);
          const key = name || anonymousName(count + 1, type);
          count++;
          // uci_lookup_list finds the first section of a name: a cfg name may repeat one given earlier
          if (!named.has(key)) named.set(key, section);
        }
      } else {
        const name = arg(true, 'name');
        const value = arg(false);
        endOfStatement();
        const options = section!.options;
        const i = options.findIndex((o) => o.name === name);
        const old = options[i]?.value;
        if (keyword === 'list') {
          if (Array.isArray(old)) old.push(value);
          else if (old === undefined) options.push({ name, value: [value] });
          else options[i] = { name, value: [old, value] };
        } else if (value !== '') {
          if (old === undefined) options.push({ name, value });
          else options[i] = { name, value };
        }
      }
    }
  }
  if (single !== null && !pkg) open(single);
  return packages;
}
