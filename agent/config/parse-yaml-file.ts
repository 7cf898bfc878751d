// Parses one file of the config repo as YAML 1.2 (core schema: `yes` stays a string), keeping
// the node tree and line counter so that every later error can point at a line and column.
// Duplicate keys, several documents, tags other than the core ones and alias bombs are errors.
import { Document, LineCounter, parseAllDocuments, visit, isMap, type YAMLError } from 'yaml';
import type { Diagnostic } from '../base/diagnostic.ts';

export interface ConfigFile {
  /** Relative to the config repo root, `/` separators (e.g. `dlan.yaml`, `routers/r6.yaml`). */
  path: string;
  text: string;
}

export interface ParsedFile {
  path: string;
  /** `null` for an empty file. */
  doc: Document.Parsed | null;
  lines: LineCounter;
  /** The plain data (`undefined` when the file had errors; `null` for an empty file). */
  value: unknown;
  errors: Diagnostic[];
}

/**
 * Alias expansions allowed per document (the yaml package counts uses × size of the aliased
 * node). Real configs use a handful of anchors; an alias bomb needs thousands and stops here.
 */
export const MAX_ALIAS_COUNT = 50;

/** The core schema's tags: anything else (`!!binary`, `!custom`) has no meaning in the format. */
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

export function parseYamlFile(file: ConfigFile): ParsedFile {
  const lines = new LineCounter();
  const deep = nestingProblem(file.text);
  if (deep) {
    // The line counter is filled by the parser; count lines here for the position.
    const before = file.text.slice(0, deep.offset);
    const line = before.split('\n').length;
    const column = deep.offset - before.lastIndexOf('\n');
    return { path: file.path, doc: null, lines, value: undefined, errors: [{ file: file.path, path: '', line, column, message: deep.message }] };
  }
  const parsed = parseAllDocuments(file.text, {
    version: '1.2',
    schema: 'core',
    merge: false,
    uniqueKeys: true,
    stringKeys: true,
    strict: true,
    prettyErrors: true,
    lineCounter: lines,
    logLevel: 'error',
    // `!!binary`, `!!set`, `!!timestamp`… stay unresolved tags (an error below) instead of being
    // decoded: decoding `!!binary` needs Buffer/atob, which QuickJS lacks, so node and QuickJS
    // would refuse the same file with different messages.
    resolveKnownTags: false,
  });

  const docs: Document.Parsed[] = Array.isArray(parsed) ? parsed : [];
  const errors: Diagnostic[] = [];
  const report = (offset: number, message: string) => {
    const p = lines.linePos(offset);
    errors.push({ file: file.path, path: '', line: p.line, column: p.col, message });
  };
  const doc = docs[0] ?? null;
  if (docs.length > 1) {
    report(docs[1]!.range[0], 'the file holds more than one YAML document (`---`): put everything in one document');
  }
  for (const d of docs) {
    for (const e of [...d.errors, ...d.warnings]) report(e.pos[0], describeYamlError(e, d));
  }
  if (doc && errors.length === 0) checkTags(doc, report);
  let value: unknown = null;
  if (doc && errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      const message = (e as Error).message;
      const unresolved = /^Unresolved alias.*: (.*)$/.exec(message);
      const offset = aliasOffset(doc, unresolved?.[1]);
      report(offset, unresolved
        ? `alias \`*${unresolved[1]}\` has no anchor \`&${unresolved[1]}\` before it`
        : /Excessive alias count/.test(message)
          ? `too many alias expansions (more than ${MAX_ALIAS_COUNT}): this looks like an alias bomb; write the values out instead`
          : `cannot be read: ${message}`);
    }
  }
  if (errors.length > 0) value = undefined;
  return { path: file.path, doc, lines, value, errors };
}

function checkTags(doc: Document.Parsed, report: (offset: number, message: string) => void): void {
  visit(doc, (_key, node) => {
    const tag = (node as { tag?: string }).tag;
    const range = (node as { range?: [number, number, number] }).range;
    if (tag && !CORE_TAGS.has(tag) && range) {
      report(range[0], `YAML tag \`${tag.replace('tag:yaml.org,2002:', '!!')}\` is not supported: write a plain value`);
    }
  });
}

function aliasOffset(doc: Document.Parsed, source?: string): number {
  let offset = 0;
  visit(doc, {
    Alias(_k, node) {
      if (source !== undefined && node.source !== source) return undefined;
      if (node.range) offset = node.range[0];
      return visit.BREAK;
    },
  });
  return offset;
}

/** One line in plain words for a yaml parse error (the package's own text has a code frame). */
function describeYamlError(e: YAMLError, doc: Document.Parsed): string {
  switch (e.code) {
    case 'DUPLICATE_KEY': {
      const key = keyAt(doc, e.pos[0]);
      return key !== null ? `duplicate key \`${key}\` (a key may appear once per mapping)` : 'duplicate key (a key may appear once per mapping)';
    }
    case 'NON_STRING_KEY':
      return 'YAML syntax error: a mapping key must be a plain string (not a list, mapping or alias)';
    case 'TAG_RESOLVE_FAILED': {
      const tag = /Unresolved tag: (\S+)/.exec(e.message)?.[1];
      if (tag) return `YAML tag \`${tag.replace('tag:yaml.org,2002:', '!!')}\` is not supported: write a plain value`;
      return `YAML syntax error: ${firstLine(e.message)}`;
    }
    case 'TAB_AS_INDENT':
      return 'YAML syntax error: tabs are not allowed for indentation, use spaces';
    default:
      // The parser recursed until the engine's stack ran out (hostile nesting such as 2000 `[`):
      // name the cause instead of the engine's words, which differ between node and QuickJS.
      if (/call stack|too much recursion|stack overflow/i.test(e.message)) return 'YAML nested too deeply: flatten the structure (dlan.yaml never needs more than a few levels)';
      return `YAML syntax error: ${firstLine(e.message)}`;
  }
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '').trim();
}

/** The text of the mapping key starting at `offset`, if it is a short plain string. */
function keyAt(doc: Document.Parsed, offset: number): string | null {
  let found = null as string | null;
  visit(doc, {
    Map(_k, map) {
      if (!isMap(map)) return undefined;
      for (const pair of map.items) {
        const k = pair.key as { range?: [number, number, number]; value?: unknown } | null;
        if (k?.range?.[0] === offset && typeof k.value === 'string') found = k.value;
      }
      return found !== null ? visit.BREAK : undefined;
    },
  });
  return found !== null && found.length <= 80 && !/[\u0000-\u001f`]/.test(found) ? found : null;
}

/** Flow nesting (`[`/`{`) and block indentation a config never needs; beyond them the file is refused unparsed. */
export const MAX_FLOW_DEPTH = 64;
export const MAX_INDENT = 256;

/**
 * Where `text` nests deeper than any config needs, read without the parser (which recurses):
 * unquoted, uncommented `[`/`{` deeper than MAX_FLOW_DEPTH, or a line indented more than
 * MAX_INDENT spaces. A line starting at column 0 ends any flow collection (YAML requires its
 * continuation lines to be indented), so a stray bracket in a block scalar cannot add up.
 */
export function nestingProblem(text: string): { offset: number; message: string } | null {
  let depth = 0;
  let quote: string | null = null;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      if (c === ' ') {
        if (++indent > MAX_INDENT) return { offset: i, message: `YAML nested too deeply: a line indented more than ${MAX_INDENT} spaces (flatten the structure; dlan.yaml never needs more than a few levels)` };
        continue;
      }
      lineStart = false;
      if (indent === 0 && quote === null && c !== ']' && c !== '}') depth = 0;
    }
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"') i++;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl - 1;
      continue;
    }
    if ((c === '"' || c === "'") && (i === 0 || /[\s:[{,]/.test(text[i - 1]!))) quote = c;
    else if (c === '[' || c === '{') {
      if (++depth > MAX_FLOW_DEPTH) return { offset: i, message: `YAML nested too deeply: more than ${MAX_FLOW_DEPTH} levels of \`[\`/\`{\` (flatten the structure; dlan.yaml never needs more than a few levels)` };
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return null;
}
