// Sets options of one section of a UCI file in place, so that a hand-kept file (the package's
// /etc/config/dlan-agent explains every option in a comment) keeps its comments, order and other
// sections. An option line is replaced where it is; an option the file only shows as a commented
// example (`#option repo '…'`) takes that example's place; any other goes to the section's end.
// The result is checked by parsing it back: anything this line editor cannot follow (a quoted
// value spanning lines, say) gives `null`, and the caller rewrites the file whole instead.
import { findSection, parseUciFile, renderUciFile, type SettingsSection } from './uci-file.ts';

type Options = SettingsSection['options'];

const CONFIG = /^\s*config\s+(['"]?)([A-Za-z0-9_]+)\1(?:\s+(['"]?)([A-Za-z0-9_]+)\3)?\s*(?:#.*)?$/;
const STATEMENT = /^\s*(?:option|list)\s+([A-Za-z0-9_]+)(?:\s|$)/;
const EXAMPLE = /^\s*#\s*(?:option|list)\s+([A-Za-z0-9_]+)(?:\s|$)/;

/** The statement lines of `options` as uci writes them (one tab, single-quoted values). */
function optionLines(type: string, name: string, options: Options): string[] {
  return renderUciFile([{ type, name, options }])
    .split('\n')
    .filter((l) => l.startsWith('\t'));
}

/**
 * `text` with section `type` named `name` (else the first of that type) holding exactly
 * `options` when `exact`, or those options set and the others kept otherwise.
 */
export function setUciOptions(text: string, type: string, name: string, options: Options, exact: boolean): string | null {
  const lines = text.split('\n');
  const starts = lines.map((l, i) => ({ m: CONFIG.exec(l), i })).filter((x) => x.m && x.m[2] === type);
  const start = (starts.find((x) => x.m![4] === name) ?? starts[0])?.i;
  let out: string[];
  if (start === undefined) {
    const body = text.endsWith('\n') || text === '' ? text : `${text}\n`;
    out = [...body.split('\n').slice(0, -1), '', `config ${type} '${name}'`, ...optionLines(type, name, options), ''];
  } else {
    let end = lines.findIndex((l, i) => i > start && /^\s*config\s/.test(l));
    if (end < 0) end = lines.length;
    const pending = new Map(Object.entries(options).map(([k, v]) => [k, optionLines(type, name, { [k]: v })]));
    const body: string[] = [];
    const examples = new Map<string, number>();
    for (const line of lines.slice(start + 1, end)) {
      const key = STATEMENT.exec(line)?.[1];
      if (key === undefined) {
        const example = EXAMPLE.exec(line)?.[1];
        if (example !== undefined && pending.has(example) && !examples.has(example)) examples.set(example, body.length);
        body.push(line);
      } else if (pending.has(key)) {
        body.push(...pending.get(key)!);
        pending.delete(key);
      } else if (!(key in options) && !exact) {
        body.push(line);
      }
    }
    // Options the section lacks: in place of their commented example, else at its end.
    const tail: string[] = [];
    for (const [key, stmt] of pending) {
      const at = examples.get(key);
      if (at === undefined) tail.push(...stmt);
      else body[at] = stmt.join('\n');
    }
    let last = body.length;
    while (last > 0 && body[last - 1]!.trim() === '') last--;
    body.splice(last, 0, ...tail);
    out = [...lines.slice(0, start + 1), ...body.join('\n').split('\n'), ...lines.slice(end)];
  }
  const result = out.join('\n');
  try {
    const sections = parseUciFile(result);
    const section = findSection(sections, type, name);
    const want = exact ? options : { ...(start === undefined ? {} : sectionOptions(text, type, name)), ...options };
    return section && sameOptions(section.options, want) ? result : null;
  } catch {
    return null;
  }
}

/** Same keys and values, whatever their order (the file's order is kept, not the caller's). */
function sameOptions(a: Options, b: Options): boolean {
  const canon = (o: Options) => JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k]]));
  return canon(a) === canon(b);
}

function sectionOptions(text: string, type: string, name: string): Options {
  return findSection(parseUciFile(text), type, name)?.options ?? {};
}
