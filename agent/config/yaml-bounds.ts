// The bounds that keep loading a config repo small, whatever the repo holds. What costs memory
// while reading YAML is the parser's concrete syntax tree: one object per token (every value,
// comma, comment and line break) of a whole document, built before anything is composed. So the
// tokens are counted as the parser takes them in, and the parser stops at a bound: the tree of a
// hostile file never gets larger than the tree of an accepted one. The numbers are measured
// (bench/hostile-inputs.ts, docs/measurements.md): a repo at every bound loads within 64 MB.
import { Parser } from 'yaml';

/** The largest file read, checked before reading (a 1000-router mesh in one file is 280 KB). */
export const MAX_FILE_BYTES = 1024 * 1024;
/** All files of the repo together. */
export const MAX_TOTAL_BYTES = 2 * 1024 * 1024;
/** Keys, values and list items over all files (a 1000-router mesh has 33 000). */
export const MAX_YAML_NODES = 60_000;
/** Tokens of every kind (values, punctuation, comments, line breaks) over all files (1000 routers: 126 000). */
export const MAX_YAML_TOKENS = 200_000;
/** Alias uses (`*name`) over all files: real configs use a handful. */
export const MAX_YAML_ALIASES = 100;

/** Why a file was refused by a bound, and where the bound was crossed. */
export class YamlBoundError extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

/** Counts over every file of one load, so that many files cannot add up past a bound. */
export class YamlBudget {
  bytes = 0;
  nodes = 0;
  tokens = 0;
  aliases = 0;
  /** Set when a bound was crossed: the files after it are not parsed. */
  exceeded = false;
}

/** Bytes of `text` in UTF-8, without encoding it. */
export function utf8Length(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // U+0080..U+07FF take 2 bytes, the rest of the BMP 3; a surrogate pair (2 units) takes 4.
    if (c >= 0x80) n += c < 0x800 ? 1 : c >= 0xd800 && c <= 0xdbff ? 1 : 2;
  }
  return n;
}

/** The file's own size, and the repo's so far, against the byte bounds; `null` when within them. */
export function sizeProblem(budget: YamlBudget, bytes: number): string | null {
  budget.bytes += bytes;
  const problem = bytes > MAX_FILE_BYTES
    ? `is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB (${bytes} bytes)`
    : budget.bytes > MAX_TOTAL_BYTES
      ? `makes the config repo larger than ${MAX_TOTAL_BYTES / 1024 / 1024} MiB in all`
      : null;
  if (problem === null) return null;
  budget.exceeded = true;
  return `${problem}: dlan-agent refuses larger configs so that loading stays small (limits in docs/config-format.md)`;
}

/**
 * A lexer token that starts a node: the scalar marker (the lexer sends a plain or block scalar as
 * `\x1f`, then its text), a quoted scalar, a flow collection, a list item, an alias. Matched by
 * hand, not with yaml's CST.tokenType: that namespace weighs 6 KB in the router bundle.
 */
function startsNode(source: string): boolean {
  const c = source[0];
  return source === '\x1f' || c === "'" || c === '"' || c === '*' || source === '[' || source === '{' || source === '-';
}

/** yaml's streaming parser, counting each token against `budget` before taking it in. */
export class BoundedParser extends Parser {
  /** The token after a scalar marker is the scalar's text, whatever it looks like. */
  private scalarText = false;

  constructor(private readonly budget: YamlBudget, onNewLine?: (offset: number) => void) {
    super(onNewLine);
  }

  override *next(source: string) {
    const b = this.budget;
    if (++b.tokens > MAX_YAML_TOKENS) throw this.bound(`more than ${MAX_YAML_TOKENS} YAML tokens (values, punctuation, comments, line breaks)`);
    if (this.scalarText) {
      this.scalarText = false;
    } else if (startsNode(source)) {
      this.scalarText = source === '\x1f';
      if (++b.nodes > MAX_YAML_NODES) throw this.bound(`more than ${MAX_YAML_NODES} YAML nodes (keys, values, list items)`);
      if (source[0] === '*' && ++b.aliases > MAX_YAML_ALIASES) throw this.bound(`more than ${MAX_YAML_ALIASES} aliases (\`*name\`): write the values out instead`);
    }
    yield* super.next(source);
  }

  private bound(what: string): YamlBoundError {
    this.budget.exceeded = true;
    return new YamlBoundError(this.offset, `the config repo holds ${what}; dlan-agent refuses larger configs so that loading stays small (limits in docs/config-format.md)`);
  }
}
