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
/**
 * Keys, values and list items over all files (a 1000-router mesh has 33 000). Each costs ~0.9 KB
 * of node heap while the tree is built, so this bound, not the text size, sets node's peak:
 * 40 000 keeps the worst file that parses at ~83 MB under node (QuickJS: 58 MB).
 */
export const MAX_YAML_NODES = 40_000;
/** Tokens of every kind (values, punctuation, comments, line breaks) over all files (1000 routers: 126 000). */
export const MAX_YAML_TOKENS = 150_000;
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

/** Flow nesting (`[`/`{`) and block indentation a config never needs. */
export const MAX_FLOW_DEPTH = 64;
export const MAX_INDENT = 256;
const FLAT = '(flatten the structure; dlan.yaml never needs more than a few levels)';

/**
 * yaml's streaming parser, counting each token against `budget` before taking it in, and
 * refusing nesting deeper than a config needs before the composer, which recurses, sees it.
 */
export class BoundedParser extends Parser {
  /** The token after a scalar marker is the scalar's text, whatever it looks like. */
  private scalarText = false;
  private lineStart = true;
  private depth = 0;

  constructor(private readonly budget: YamlBudget, onNewLine?: (offset: number) => void) {
    super(onNewLine);
  }

  override *next(source: string) {
    const b = this.budget;
    if (++b.tokens > MAX_YAML_TOKENS) throw this.bound(`more than ${MAX_YAML_TOKENS} YAML tokens (values, punctuation, comments, line breaks)`);
    if (this.scalarText) {
      this.scalarText = false;
    } else {
      if (this.lineStart && source[0] === ' ' && source.length > MAX_INDENT) throw this.deep(`a line indented more than ${MAX_INDENT} spaces`);
      if (source === '[' || source === '{') {
        if (++this.depth > MAX_FLOW_DEPTH) throw this.deep(`more than ${MAX_FLOW_DEPTH} levels of \`[\`/\`{\``);
      } else if (source === ']' || source === '}') {
        if (this.depth > 0) this.depth--;
      } else if (source === '\x18') {
        // The lexer's "flow ended by a line at column 0": YAML ends every open flow collection there.
        this.depth = 0;
      }
      if (startsNode(source)) {
        this.scalarText = source === '\x1f';
        if (++b.nodes > MAX_YAML_NODES) throw this.bound(`more than ${MAX_YAML_NODES} YAML nodes (keys, values, list items)`);
        if (source[0] === '*' && ++b.aliases > MAX_YAML_ALIASES) throw this.bound(`more than ${MAX_YAML_ALIASES} aliases (\`*name\`): write the values out instead`);
      }
    }
    this.lineStart = source === '\n' || source === '\r\n';
    yield* super.next(source);
  }

  private deep(what: string): YamlBoundError {
    return new YamlBoundError(this.offset, `YAML nested too deeply: ${what} ${FLAT}`);
  }

  private bound(what: string): YamlBoundError {
    this.budget.exceeded = true;
    return new YamlBoundError(this.offset, `the config repo holds ${what}; dlan-agent refuses larger configs so that loading stays small (limits in docs/config-format.md)`);
  }
}
