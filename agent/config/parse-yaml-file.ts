// Parses one file of the config repo as YAML 1.2 (core schema: `yes` stays a string), keeping
// the node tree and line counter so that every later error can point at a line and column.
// Duplicate keys, several documents, tags other than the core ones and alias bombs are errors.
import { Document, LineCounter, parseAllDocuments, visit, isMap, type YAMLError } from 'yaml';
import type { Diagnostic } from '../validate/diagnostic.ts';

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
