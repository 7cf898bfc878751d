// Reads UCI text (the output of `uci export`, or a config file) into a UciPackage, with uci's own
// tokenizer rules (openwrt/uci file.c): '…' is literal, "…" and bare words take backslash escapes,
// adjacent pieces concatenate, `#` starts a comment, quoted values may span lines.
import type { UciPackage, UciSection } from './uci-model.ts';

export class UciParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UciParseError';
  }
}

/** Splits the text into statements (arrays of tokens), honouring quotes across line breaks. */
function tokenize(text: string): string[][] {
  const statements: string[][] = [];
  let tokens: string[] = [];
  let i = 0;
  const n = text.length;
  const endStatement = () => {
    if (tokens.length) statements.push(tokens);
    tokens = [];
  };
  while (i < n) {
    const c = text[i]!;
    if (c === '\n' || c === ';') {
      endStatement();
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    let token = '';
    while (i < n) {
      const d = text[i]!;
      if (d === "'") {
        const end = text.indexOf("'", i + 1);
        if (end === -1) throw new UciParseError('unterminated single quote');
        token += text.slice(i + 1, end);
        i = end + 1;
      } else if (d === '"') {
        i++;
        for (;;) {
          if (i >= n) throw new UciParseError('unterminated double quote');
          const e = text[i]!;
          if (e === '"') {
            i++;
            break;
          }
          if (e === '\\' && i + 1 < n) {
            if (text[i + 1] !== '\n') token += text[i + 1];
            i += 2;
            continue;
          }
          token += e;
          i++;
        }
      } else if (d === '\\' && i + 1 < n) {
        if (text[i + 1] !== '\n') token += text[i + 1];
        i += 2;
      } else if (d === ' ' || d === '\t' || d === '\r' || d === '\n' || d === ';' || d === '#') {
        break;
      } else {
        token += d;
        i++;
      }
    }
    tokens.push(token);
  }
  endStatement();
  return statements;
}

/** Parses one package. `packageName` is used when the text has no `package` line (a config file). */
export function parseUci(text: string, packageName: string): UciPackage {
  return build({ name: packageName, sections: [] }, tokenize(text));
}

/**
 * Parses what `uci export` without a package prints: every package, each after its `package`
 * line. Split on the tokenized statements, so a quoted value holding "\npackage x" cannot start
 * a package.
 */
export function parseUciPackages(text: string): Map<string, UciPackage> {
  const out = new Map<string, UciPackage>();
  let chunk: ReturnType<typeof tokenize> = [];
  const flush = () => {
    if (chunk.length) out.set(chunk[0]![1] ?? '', build({ name: '', sections: [] }, chunk));
  };
  for (const st of tokenize(text)) {
    if (st[0] === 'package') {
      flush();
      chunk = [];
    }
    chunk.push(st);
  }
  flush();
  return out;
}

function build(pkg: UciPackage, statements: ReturnType<typeof tokenize>): UciPackage {
  let current: UciSection | null = null;
  for (const st of statements) {
    const [kw, a, b] = st;
    if (kw === 'package') {
      if (a !== undefined) pkg.name = a;
      continue;
    }
    if (kw === 'config') {
      if (a === undefined) throw new UciParseError('config without a type');
      current = { type: a, name: b === undefined || b === '' ? null : b, options: [] };
      pkg.sections.push(current);
      continue;
    }
    if (kw === 'option' || kw === 'list') {
      if (!current) throw new UciParseError(`${kw} outside a section`);
      if (a === undefined) throw new UciParseError(`${kw} without a name`);
      const value = b ?? '';
      const existing = current.options.find((o) => o.name === a);
      if (kw === 'option') {
        if (existing) existing.value = value;
        else current.options.push({ name: a, value });
      } else if (existing && Array.isArray(existing.value)) existing.value.push(value);
      else if (existing) existing.value = [value];
      else current.options.push({ name: a, value: [value] });
      continue;
    }
    throw new UciParseError(`unknown keyword ${JSON.stringify(kw)}`);
  }
  return pkg;
}
