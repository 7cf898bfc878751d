// Maps a path in the merged document (`routers.r2.lan[0].ipv4`) back to the file holding the
// value and its line:column. Router bodies may live in routers/<name>.yaml; everything else is
// in the main file. A path that does not exist (a missing key) resolves to its nearest ancestor.
import { isAlias, isMap, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import type { ParsedFile } from './parse-yaml-file.ts';
import type { Path } from '../base/diagnostic.ts';


export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export class SourceLocator {
  /** Router name → the parsed router file that defines it (routers defined in the main file are absent). */
  private readonly routerFiles = new Map<string, ParsedFile>();

  constructor(private readonly main: ParsedFile) {}

  addRouterFile(name: string, file: ParsedFile): void {
    this.routerFiles.set(name, file);
  }

  /** `atKey`: point at the key of the last segment (unknown keys, duplicate names). */
  locate(path: Path, atKey = false): SourcePosition {
    const routerFile = path[0] === 'routers' && typeof path[1] === 'string' ? this.routerFiles.get(path[1]) : undefined;
    if (routerFile) return locateInFile(routerFile, path.slice(2), atKey);
    return locateInFile(this.main, path, atKey);
  }
}

/** Position of `path` inside one file's document (the document root when `path` is empty). */
export function locateInFile(file: ParsedFile, path: Path, atKey = false): SourcePosition {
  const doc = file.doc;
  let offset = doc?.contents?.range?.[0] ?? 0;
  let node: unknown = doc?.contents ?? null;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    node = resolveAlias(node, file);
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = pairIndex(node).get(String(seg));
      if (!pair) break;
      const key = pair.key as Node;
      const value = resolveAlias(pair.value, file) as Node | null;
      const keyStart = key.range?.[0] ?? offset;
      // A collection is shown at its key (`r1:` rather than the first line of its body).
      const showKey = (last && atKey) || value === null || isMap(value) || isSeq(value);
      offset = showKey ? keyStart : (value.range?.[0] ?? keyStart);
      node = value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  const p = file.lines.linePos(offset);
  return { file: file.path, line: p.line, column: p.col };
}

/**
 * The pairs of a mapping by key, built once per mapping: a lookup per path segment by scanning
 * the mapping made locating thousands of diagnostics in a 10 000-router file quadratic.
 */
const pairIndexes = new WeakMap<object, Map<string, Pair>>();

function pairIndex(map: YAMLMap): Map<string, Pair> {
  let index = pairIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items) {
      // The first pair with a key wins, as the former linear `find` did.
      if (isPair(p) && isScalar(p.key) && !index.has(String(p.key.value))) index.set(String(p.key.value), p);
    }
    pairIndexes.set(map, index);
  }
  return index;
}

function resolveAlias(node: unknown, file: ParsedFile): unknown {
  if (isAlias(node) && file.doc) return node.resolve(file.doc) ?? node;
  return node;
}
