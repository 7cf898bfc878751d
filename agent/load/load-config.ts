// Loads the config repo: parses every file (YAML 1.2), merges routers/<name>.yaml into the main
// document, checks it against the schema (generated standalone validator) and every semantic
// rule, and returns the normalised Config. Pure: the caller reads the files (see
// read-config-files.ts). Every problem of every file is reported, each with file, merged YAML
// path and line:column.
import type { Config, RawConfig } from '../config/config-types.ts';
import { parseYamlFile, type ConfigFile, type ParsedFile } from '../config/parse-yaml-file.ts';
import { mergeConfigFiles } from './merge-config-files.ts';
import { normalizeConfig } from '../config/normalize-config.ts';
import { escapeForTerminal, formatPath, type Diagnostic, type Path } from '../base/diagnostic.ts';
import { Findings, type Finding } from '../base/findings.ts';
import { YamlBudget } from '../config/yaml-bounds.ts';
import { checkSchema } from '../validate/schema-errors.ts';
import { runSemanticRules } from '../validate/run-semantic-rules.ts';
import { checkSecretsInText } from '../validate/rules/check-secrets.ts';

export type { ConfigFile } from '../config/parse-yaml-file.ts';

export type LoadResult =
  | { ok: true; config: Config; warnings: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

export function loadConfig(files: ConfigFile[]): LoadResult {
  if (files.length === 0) {
    return { ok: false, diagnostics: [{ file: 'dlan.yaml', path: '', line: 0, column: 0, message: 'no config file given' }] };
  }
  const order = new Map(files.map((f, i) => [f.path, i]));
  const sort = (ds: Diagnostic[]) => sortDiagnostics(ds, order);
  const { parsed, refused } = parseWithinBounds(files);
  if (refused) return { ok: false, diagnostics: sort(parsed.flatMap((p) => p.errors)) };
  const secrets = checkSecretsInText(files);
  const syntax = parsed.flatMap((p) => p.errors);
  // A document with syntax errors cannot be checked further: its data is incomplete, and
  // checking the rest without it would report false "unknown router" errors.
  if (syntax.length > 0) return { ok: false, diagnostics: sort([...syntax, ...secrets]) };

  const [main, ...routerFiles] = parsed as [ParsedFile, ...ParsedFile[]];
  const merged = mergeConfigFiles(main, routerFiles);
  const schema = new Findings();
  checkSchema(merged.data, schema);
  const semantic = new Findings();
  try {
    runSemanticRules(merged.data, semantic);
  } catch (e) {
    // The rules read the document defensively; if one still trips over a value the schema
    // rejected, the schema errors explain the problem. Without schema errors it is a bug.
    if (schema.list.length === 0) throw e;
  }
  const toDiagnostic = (f: Finding): Diagnostic => {
    const p = merged.locator.locate(f.path, f.atKey);
    return { file: p.file, path: formatPath(f.path), line: p.line, column: p.column, message: f.message };
  };
  // A value the schema rejected is not reported again by a semantic rule. Keyed by path so that
  // thousands of findings (a hostile 10 000-router file) are not compared pairwise.
  const key = (p: Path) => JSON.stringify(p);
  const malformed = new Set(schema.list.filter((s) => s.malformed).map((s) => key(s.path)));
  const rejected = new Set(schema.list.filter((s) => !s.malformed && !s.atKey).map((s) => key(s.path)));
  const fresh = (f: Finding) => !rejected.has(key(f.path)) && !f.path.some((_, i) => malformed.has(key(f.path.slice(0, i)))) && !malformed.has(key(f.path));
  const errors = [
    ...merged.diagnostics,
    ...secrets,
    ...schema.list.map(toDiagnostic),
    ...semantic.list.filter((f) => f.severity === 'error' && fresh(f)).map(toDiagnostic),
  ];
  if (errors.length > 0) return { ok: false, diagnostics: sort(errors) };
  const warnings = sort(semantic.list.filter((f) => f.severity === 'warning').map(toDiagnostic));
  return { ok: true, config: normalizeConfig(merged.data as RawConfig), warnings };
}

/**
 * Every file parsed against one budget of bytes, tokens, nodes and aliases. At the first bound
 * crossed, parsing stops (`refused`): the files after it would only cross it again.
 */
function parseWithinBounds(files: ConfigFile[]): { parsed: ParsedFile[]; refused: boolean } {
  const budget = new YamlBudget();
  const parsed: ParsedFile[] = [];
  for (const file of files) {
    parsed.push(parseYamlFile(file, budget));
    if (budget.exceeded) return { parsed, refused: true };
  }
  return { parsed, refused: false };
}

/** By file (in the order given), then line and column; exact repeats dropped. */
function sortDiagnostics(ds: Diagnostic[], order: Map<string, number>): Diagnostic[] {
  const seen = new Set<string>();
  const unique = ds.filter((d) => {
    const key = `${d.file}\u0000${d.path}\u0000${d.line}\u0000${d.column}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  // Messages, paths and file names carry config text: escaped here so that every consumer
  // (`validate --json`, the GitOps status, logs) gets one-line, terminal-safe text.
  const clean = unique.map((d) => ({ ...d, file: escapeForTerminal(d.file), path: escapeForTerminal(d.path), message: escapeForTerminal(d.message) }));
  return clean.sort((a, b) => (order.get(a.file) ?? 1e9) - (order.get(b.file) ?? 1e9) || a.line - b.line || a.column - b.column);
}
