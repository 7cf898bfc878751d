// A small reader and writer for UCI's file syntax, enough for the agent's own settings file
// (`/etc/config/dlan-agent`). The agent reads its settings before it knows whether `uci` exists
// (tests, --root folders, first boot) and owns that file outright, so it parses and writes it
// itself instead of going through `uci`. Quoting follows uci (file.c): '…' is literal, "…" and
// bare words take backslash escapes, adjacent pieces concatenate, `#` starts a comment. Values
// are always written single-quoted with `'` as `'\''`, as `uci export` does.

export interface UciSection {
  type: string;
  /** `null` for an anonymous section. */
  name: string | null;
  options: Record<string, string | string[]>;
}

export class UciSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'UciSyntaxError';
  }
}

/** Splits the text into statements (lists of words), honouring quotes that span lines. */
function tokenize(text: string): { words: string[]; line: number }[] {
  const out: { words: string[]; line: number }[] = [];
  let words: string[] = [];
  let word: string | null = null;
  let line = 1;
  let start = 1;
  const end = () => {
    if (word !== null) words.push(word);
    word = null;
  };
  const statement = () => {
    end();
    if (words.length > 0) out.push({ words, line: start });
    words = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n' || c === ';') {
      statement();
      if (c === '\n') line++;
      start = line;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      end();
      continue;
    }
    if (c === '#' && word === null) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
      continue;
    }
    if (words.length === 0 && word === null) start = line;
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close === -1) throw new UciSyntaxError('unterminated quote', line);
      const piece = text.slice(i + 1, close);
      line += piece.split('\n').length - 1;
      word = (word ?? '') + piece;
      i = close;
      continue;
    }
    if (c === '"') {
      let piece = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        if (text[j] === '\n') line++;
        piece += text[j];
      }
      if (j >= text.length) throw new UciSyntaxError('unterminated quote', line);
      word = (word ?? '') + piece;
      i = j;
      continue;
    }
    if (c === '\\' && i + 1 < text.length) {
      i++;
      if (text[i] === '\n') {
        line++;
        continue;
      }
      word = (word ?? '') + text[i];
      continue;
    }
    word = (word ?? '') + c;
  }
  statement();
  return out;
}

export function parseUciFile(text: string): UciSection[] {
  const sections: UciSection[] = [];
  let current: UciSection | null = null;
  for (const { words, line } of tokenize(text)) {
    const [kw, a, b, ...rest] = words;
    if (rest.length > 0) throw new UciSyntaxError(`too many words after ${kw}`, line);
    if (kw === 'package') continue;
    if (kw === 'config') {
      if (a === undefined) throw new UciSyntaxError('config without a type', line);
      current = { type: a, name: b ?? null, options: {} };
      sections.push(current);
      continue;
    }
    if (kw === 'option' || kw === 'list') {
      if (!current) throw new UciSyntaxError(`${kw} outside a config section`, line);
      if (a === undefined || b === undefined) throw new UciSyntaxError(`${kw} needs a name and a value`, line);
      if (kw === 'option') current.options[a] = b;
      else {
        const prev = current.options[a];
        current.options[a] = [...(Array.isArray(prev) ? prev : prev === undefined ? [] : [prev]), b];
      }
      continue;
    }
    throw new UciSyntaxError(`unknown keyword ${JSON.stringify(kw)}`, line);
  }
  return sections;
}

const NAME = /^[A-Za-z0-9_]+$/;

function quote(value: string): string {
  // Control characters other than tab cannot round-trip through `uci` (uci_validate_text).
  if (/[\0-\x08\x0a-\x1f]/.test(value)) throw new Error('a UCI value cannot hold control characters');
  return `'${value.replace(/'/g, "'\\''")}'`;
}

export function renderUciFile(sections: readonly UciSection[]): string {
  let out = '';
  for (const s of sections) {
    if (!NAME.test(s.type) || (s.name !== null && !NAME.test(s.name))) throw new Error(`bad UCI section ${s.type} ${s.name ?? ''}`);
    out += `\nconfig ${s.type}${s.name !== null ? ` '${s.name}'` : ''}\n`;
    for (const [key, value] of Object.entries(s.options)) {
      if (!NAME.test(key)) throw new Error(`bad UCI option name ${key}`);
      if (Array.isArray(value)) for (const v of value) out += `\tlist ${key} ${quote(v)}\n`;
      else out += `\toption ${key} ${quote(value)}\n`;
    }
  }
  return out;
}
