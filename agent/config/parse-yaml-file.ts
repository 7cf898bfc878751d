// Parses one file of the config repo as YAML 1.2 (core schema: `yes` stays a string), keeping
// the node tree and line counter so that every later error can point at a line and column.
// Duplicate keys, several documents, tags other than the core ones and alias bombs are errors.
// The parser counts what it reads against the repo's bounds (yaml-bounds.ts) and stops at one.
import { Composer, Document, LineCounter, visit, isScalar, type YAMLError } from 'yaml';
import type { Diagnostic } from '../base/diagnostic.ts';
import { BoundedParser, sizeProblem, YamlBoundError, YamlBudget } from './yaml-bounds.ts';

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

/**
 * Parses `file`, counting its tokens into `budget` (shared by every file of one load). A file
 * that crosses a bound is refused with one error at the place it crossed it.
 */
export function parseYamlFile(file: ConfigFile, budget: YamlBudget = new YamlBudget()): ParsedFile {
  const lines = new LineCounter();
  const refuse = (offset: number | null, message: string): ParsedFile => {
    // The line counter may be partly filled; count lines here for the position.
    const before = file.text.slice(0, offset ?? 0);
    const line = offset === null ? 0 : before.split('\n').length;
    const column = offset === null ? 0 : offset - before.lastIndexOf('\n');
    return { path: file.path, doc: null, lines, value: undefined, errors: [{ file: file.path, path: '', line, column, message }] };
  };
  // UTF-16 units, not bytes: what the text takes in memory (files on disk were measured in bytes before reading).
  const big = sizeProblem(budget, file.text.length);
  if (big) return refuse(null, big);
  const composer = new Composer({
    version: '1.2',
    schema: 'core',
    merge: false,
    // Checked below with a set per mapping: yaml compares each new key with every earlier one,
    // which takes minutes under QuickJS for a mapping of 20 000 keys.
    uniqueKeys: false,
    stringKeys: true,
    strict: true,
    logLevel: 'error',
    // `!!binary`, `!!set`, `!!timestamp`… stay unresolved tags (an error below) instead of being
    // decoded: decoding `!!binary` needs Buffer/atob, which QuickJS lacks, so node and QuickJS
    // would refuse the same file with different messages.
    resolveKnownTags: false,
  });
  let docs: Document.Parsed[];
  try {
    // What parseAllDocuments does, with the counting parser.
    docs = Array.from(composer.compose(new BoundedParser(budget, lines.addNewLine).parse(file.text)));
  } catch (e) {
    if (e instanceof YamlBoundError) return refuse(e.offset, e.message);
    throw e;
  }
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
    for (const e of [...d.errors, ...d.warnings]) report(e.pos[0], describeYamlError(e));
  }
  if (doc) checkDuplicateKeys(doc, report);
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

/** A key twice in one mapping is an error (a later one would silently win). */
function checkDuplicateKeys(doc: Document.Parsed, report: (offset: number, message: string) => void): void {
  visit(doc, {
    Map(_k, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = pair.key.value;
        if (seen.has(key)) report(pair.key.range?.[0] ?? 0, duplicateKeyMessage(key));
        seen.add(key);
      }
    },
  });
}

function duplicateKeyMessage(key: unknown): string {
  const plain = typeof key === 'string' && key.length <= 80 && !/[\u0000-\u001f`]/.test(key);
  return plain ? `duplicate key \`${key}\` (a key may appear once per mapping)` : 'duplicate key (a key may appear once per mapping)';
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
function describeYamlError(e: YAMLError): string {
  switch (e.code) {
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
