// Finds the schema node that applies to a value of the document, following `$ref`, `properties`,
// `additionalProperties`, `items` and the type-based `if/then/else` the schema uses. Error
// messages use it for bounds, known keys and the name of the shape (`$defs` entry) expected.
import { dlanSchema } from './generated/dlan-validator.js';
import type { Path } from '../base/diagnostic.ts';

export type SchemaNode = Record<string, unknown>;

export interface SchemaAt {
  /** The node with every `$ref` and `if/then/else` resolved. */
  node: SchemaNode;
  /** `$defs` names the last step resolved through (e.g. `['link', 'linkObject']`), outermost first. */
  defs: string[];
}

const root = dlanSchema as SchemaNode;
const defsOf = (root.$defs ?? {}) as Record<string, SchemaNode>;

export function schemaRoot(): SchemaNode {
  return root;
}

/** Resolves `$ref` and `if/then/else` of `node` for `value`. */
export function resolveNode(node: SchemaNode, value: unknown, defs: string[] = []): SchemaAt {
  let cur = node;
  for (let guard = 0; guard < 20; guard++) {
    const ref = cur.$ref;
    if (typeof ref === 'string' && ref.startsWith('#/$defs/')) {
      const name = ref.slice('#/$defs/'.length);
      defs.push(name);
      cur = defsOf[name] ?? {};
      continue;
    }
    const cond = cur.if as SchemaNode | undefined;
    if (cond && typeof cond.type === 'string') {
      cur = ((matchesType(value, cond.type) ? cur.then : cur.else) ?? {}) as SchemaNode;
      continue;
    }
    break;
  }
  return { node: cur, defs };
}

export function matchesType(value: unknown, type: string): boolean {
  switch (type) {
    case 'array': return Array.isArray(value);
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'integer': return Number.isInteger(value);
    case 'null': return value === null;
    default: return typeof value === type;
  }
}

/** The schema applying at `path` of `data`, or `null` when the path leaves the schema. */
export function schemaAt(data: unknown, path: Path, start: SchemaNode = root): SchemaAt | null {
  let at = resolveNode(start, data);
  let value = data;
  for (const seg of path) {
    const n = at.node;
    let next: SchemaNode | undefined;
    const props = n.properties as Record<string, SchemaNode> | undefined;
    if (typeof seg === 'string' && props && Object.prototype.hasOwnProperty.call(props, seg)) next = props[seg];
    else if (typeof seg === 'string' && typeof n.additionalProperties === 'object') next = n.additionalProperties as SchemaNode;
    else if (typeof seg === 'number' && typeof n.items === 'object' && !Array.isArray(n.items)) next = n.items as SchemaNode;
    if (!next) return null;
    value = value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[seg] : undefined;
    at = resolveNode(next, value);
  }
  return at;
}

/** Every key the schema allows at `path` (for "did you mean" hints). */
export function knownKeys(data: unknown, path: Path, start?: SchemaNode): string[] {
  const at = schemaAt(data, path, start);
  return Object.keys((at?.node.properties as object | undefined) ?? {});
}
