// One problem found in the config repo. Every stage that rejects input (YAML parse, schema,
// semantic rules) reports through this shape so that the CLI can print them uniformly and
// `validate --json` can emit them as-is.

export interface Diagnostic {
  /** File relative to the config repo root (e.g. `dlan.yaml`, `routers/r6.yaml`). */
  file: string;
  /** YAML path in the merged document, e.g. `routers.r2.lan[0].ipv4`; `` for the whole file. */
  path: string;
  /** 1-based; 0 when the position is unknown (e.g. a missing file). */
  line: number;
  column: number;
  message: string;
}

/** A path in the merged document: keys and list indexes. */
export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** Formats `path` segments the way every error message shows them: `a.b[0].c`. */
export function formatPath(segments: Path): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? s : `.${s}`;
  }
  return out;
}

/**
 * Control, bidi and invisible format characters as `\uXXXX`. Config text reaches messages (a
 * path with a hostile key, a file name, a value quoted in a reason): a diagnostic is one line,
 * and a newline or a terminal escape from the repo must never forge output or hide text.
 */
export function escapeForTerminal(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${escapeForTerminal(d.file)}:${d.line}:${d.column}` : escapeForTerminal(d.file);
  return escapeForTerminal(d.path ? `${where}: ${d.path}: ${d.message}` : `${where}: ${d.message}`);
}

/** Thrown by the pure core when its input is invalid; carries every diagnostic found. */
export class ConfigError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'ConfigError';
    this.diagnostics = diagnostics;
  }
}
