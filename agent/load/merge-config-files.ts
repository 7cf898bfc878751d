// Merges the main file with routers/<name>.yaml files into one document. The file name is the
// router name; a router defined twice (in the main file and a router file, or as both .yaml and
// .yml) is an error naming both places. A router body that cannot be merged is still checked on
// its own, so its errors are reported too.
import type { ParsedFile } from '../config/parse-yaml-file.ts';
import { SourceLocator, locateInFile } from '../config/source-locator.ts';
import { formatPath, type Diagnostic } from '../base/diagnostic.ts';
import { Findings, show } from '../base/findings.ts';
import { checkRouterSchema } from '../validate/schema-errors.ts';

export interface MergedDocument {
  data: unknown;
  locator: SourceLocator;
  /** Merge errors, and schema errors of router bodies that could not be merged. */
  diagnostics: Diagnostic[];
}

const ROUTER_FILE = /^routers\/([^/]+)\.(yaml|yml)$/;
const ROUTER_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function mergeConfigFiles(main: ParsedFile, routerFiles: readonly ParsedFile[]): MergedDocument {
  const locator = new SourceLocator(main);
  const diagnostics: Diagnostic[] = [];
  const data = main.value;
  const top = isMapping(data) ? data : null;
  let routers = top ? top.routers : undefined;
  // `routers:` left empty (null) is the same as left out when the routers live in routers/.
  if (top && (routers === undefined || routers === null) && routerFiles.length > 0) {
    routers = {};
    top.routers = routers;
  }
  const target = isMapping(routers) ? routers : null;
  /** Where each router name was first defined (for "defined twice" messages). */
  const definedAt = new Map<string, string>();
  if (target) {
    for (const name of Object.keys(target)) {
      const p = locateInFile(main, ['routers', name], true);
      definedAt.set(name, `${p.file}:${p.line} (\`routers.${name}\`)`);
    }
  }
  for (const file of routerFiles) {
    const m = ROUTER_FILE.exec(file.path);
    const name = m?.[1] ?? '';
    const whole = { file: file.path, path: '', line: 0, column: 0 };
    if (!m) {
      diagnostics.push({ ...whole, message: 'a router file must be routers/<name>.yaml (or .yml)' });
      continue;
    }
    if (!ROUTER_NAME.test(name)) {
      diagnostics.push({ ...whole, path: `routers.${name}`, message: `file name ${show(name)} is not a valid router name: the file name is the router name, a DNS label (lower-case letters, digits and \`-\`, 1 to 63 characters, not starting or ending with \`-\`)` });
      continue;
    }
    const body = file.value;
    const start = locateInFile(file, []);
    if (!isMapping(body)) {
      diagnostics.push({ ...whole, ...start, path: `routers.${name}`, message: `must hold the router's keys (\`id\`, \`public_key\`, \`wan\`, ...) as a mapping, not ${body === null ? 'nothing' : Array.isArray(body) ? 'a list' : 'a single value'}` });
      continue;
    }
    const first = definedAt.get(name);
    if (first !== undefined || !target) {
      if (first !== undefined) {
        diagnostics.push({ ...whole, ...start, path: `routers.${name}`, message: `router \`${name}\` is defined twice: in ${first} and in ${file.path}` });
      }
      // Still check this body alone, positions in its own file.
      const findings = new Findings();
      checkRouterSchema(name, body, findings);
      for (const f of findings.list) {
        const p = locateInFile(file, f.path.slice(2), f.atKey);
        diagnostics.push({ file: p.file, path: formatPath(f.path), line: p.line, column: p.column, message: f.message });
      }
      continue;
    }
    target[name] = body;
    definedAt.set(name, file.path);
    locator.addRouterFile(name, file);
  }
  return { data, locator, diagnostics };
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
