// Runs the generated (standalone) schema validator and turns ajv's errors into findings in plain
// words: "unknown key `foo`", "must be an integer between 1 and 65535", "`10.2.0.0/33` is not an
// IPv4 prefix ...". The path always names the offending value (or key) in the merged document.
import { validateDlan, validateRouter, type GeneratedValidator, type SchemaError } from './generated/dlan-validator.js';
import { schemaAt, knownKeys, resolveNode, schemaRoot, type SchemaNode } from './schema-walk.ts';
import { Findings, show } from '../base/findings.ts';
import type { Path, PathSegment } from '../base/diagnostic.ts';
import { describeShapeProblem } from './shape-messages.ts';

/** Validates the merged document; every schema error becomes a finding. */
export function checkSchema(data: unknown, out: Findings): void {
  run(validateDlan, data, [], schemaRoot(), out);
}

/** Validates one router body (a routers/<name>.yaml that could not be merged) at `routers.<name>`. */
export function checkRouterSchema(name: string, body: unknown, out: Findings): void {
  const routerSchema = (schemaRoot().$defs as Record<string, SchemaNode>).router!;
  run(validateRouter, body, ['routers', name], routerSchema, out);
}

function run(validate: GeneratedValidator, data: unknown, prefix: Path, start: SchemaNode, out: Findings): void {
  if (validate(data)) return;
  for (const e of validate.errors ?? []) {
    const t = translate(e, data, start);
    if (t) out.error([...prefix, ...t.path], t.message, t.atKey, !t.atKey && MALFORMED_VALUE.has(e.keyword));
  }
}

/** Keywords saying the value itself is unusable (not that something inside or beside it is). */
const MALFORMED_VALUE = new Set(['type', 'pattern', 'const', 'enum', 'minimum', 'maximum', 'minLength', 'maxLength']);

interface Translated {
  path: Path;
  message: string;
  atKey?: boolean;
}

function translate(e: SchemaError, data: unknown, start: SchemaNode): Translated | null {
  // Wrappers that only repeat an inner error, and the branch errors of the lease `oneOf`.
  if (e.keyword === 'if' || e.keyword === 'propertyNames' || e.schemaPath === '/oneOf/') return null;
  const path = pointerToPath(e.instancePath, data);
  const value = valueAt(data, path);
  const at = schemaAt(data, path, start);
  const node = at?.node ?? {};
  const def = at?.defs[at.defs.length - 1];
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      return { path: [...path, key], atKey: true, message: unknownKeyMessage(key, knownKeys(data, path, start)) };
    }
    case 'required':
      return { path, message: missingKeyMessage(String(p.missingProperty), path) };
    case 'type':
      if (path.length === 0 && prefix0(start)) {
        return { path, message: `the file must hold a mapping of settings (\`version: 1\`, \`routers:\`, ...), not ${describeValue(value)}` };
      }
      return { path, message: typeMessage(String(p.type), value, at?.defs ?? []) };
    case 'const':
      if (path.length === 1 && path[0] === 'version') return { path, message: `must be 1 (the only format version), not ${show(value)}` };
      return { path, message: `must be \`${String(p.allowedValue)}\` or a mapping of settings` };
    case 'enum':
      return { path, message: `must be one of ${(p.allowedValues as unknown[]).map((v) => `\`${String(v)}\``).join(', ')}, not ${show(value)}` };
    case 'pattern': {
      if (e.propertyName !== undefined) {
        const names = (node.propertyNames as SchemaNode | undefined) ?? {};
        const nameDef = resolveNode(names, e.propertyName).defs.at(-1);
        return { path: [...path, e.propertyName], atKey: true, message: describeShapeProblem(nameDef, e.propertyName, true) };
      }
      return { path, message: describeShapeProblem(def, value, false) };
    }
    case 'minimum':
    case 'maximum':
      return { path, message: boundsMessage(node, value) };
    case 'minLength':
    case 'maxLength':
      return { path, message: `${show(value)} is too long: at most ${String(p.limit)} characters` };
    case 'minItems':
    case 'maxItems':
      if (at?.defs.includes('linkPair')) return { path, message: 'a link names exactly two routers: `[a, b]`' };
      if (path.at(-1) === 'ssh_keys') {
        return { path, message: 'must list at least one key (leave `ssh_keys` out to keep the routers\' SSH settings as they are)' };
      }
      if (path.at(-1) === 'wan') return { path, message: 'a router needs at least one `wan` interface' };
      return { path, message: `must list at least ${Number(p.limit) === 1 ? 'one entry' : `${String(p.limit)} entries`}` };
    case 'uniqueItems': {
      const i = Number(p.i);
      return { path: [...path, i], message: `${show((value as unknown[])[i])} is listed twice` };
    }
    case 'minProperties':
      if (path.length === 1 && path[0] === 'routers') return { path, message: noRoutersMessage };
      return { path, message: 'must not be empty' };
    case 'oneOf': {
      const both = Array.isArray(p.passingSchemas);
      return {
        path,
        message: both
          ? 'a lease has either `mac` (an IPv4 lease) or `duid` (an IPv6 lease), not both: write two leases with the same name'
          : 'a lease needs `mac` (for an IPv4 address) or `duid` (for an IPv6 address)',
      };
    }
    default:
      return { path, message: e.message ?? `fails the schema rule \`${e.keyword}\`` };
  }
}

const noRoutersMessage = 'at least one router is required: define it under `routers:` or in a routers/<name>.yaml file';

const SECRET_KEY = /(private|secret|passw|psk|preshared|token|credential)/i;

function unknownKeyMessage(key: string, known: string[]): string {
  if (SECRET_KEY.test(key)) {
    return `unknown key ${show(key)}: secrets (private keys, preshared keys, passwords) never belong in the config repo; a router's WireGuard private key stays on the router`;
  }
  const near = known
    .map((k) => ({ k, d: editDistance(k.toLowerCase(), key.toLowerCase()) }))
    .filter(({ k, d }) => d <= (k.length >= 4 ? 2 : 1))
    .sort((x, y) => x.d - y.d)
    .map(({ k }) => k);
  const hint = near.length ? `; did you mean \`${near[0]}\`?` : known.length ? ` (allowed here: ${known.join(', ')})` : '';
  return `unknown key ${show(key)}${hint}`;
}

function missingKeyMessage(key: string, path: Path): string {
  if (path.length === 0 && key === 'routers') return noRoutersMessage;
  if (path.length === 0 && key === 'version') return 'missing required key `version` (write `version: 1`)';
  return `missing required key \`${key}\``;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string', integer: 'an integer', number: 'a number', boolean: '`true` or `false`',
  array: 'a list', object: 'a mapping', null: 'empty',
};

function typeMessage(expected: string, value: unknown, defs: string[]): string {
  const actual = describeValue(value);
  if (defs.includes('linkObject')) return `a link is \`[a, b]\` or a mapping with \`routers: [a, b]\`, not ${actual}`;
  if (defs.includes('sealedSecret')) return `a shared secret is only accepted sealed (\`recipients\` and \`sealed\`, written by \`dlan-agent seal\`), not ${typeof value === 'string' ? 'a plaintext string' : actual}: a plaintext key in the repo is readable by everyone who can read the repo; remove it, and replace the leaked key`;
  if (defs.includes('dhcp')) return `must be \`false\` (DHCP off) or a mapping of DHCP settings, not ${actual}`;
  const words = expected.split(',').map((t) => TYPE_WORDS[t] ?? t).join(' or ');
  return `must be ${words}, not ${actual}`;
}

/** Whether `start` is the document root (not a router body checked alone). */
function prefix0(start: SchemaNode): boolean {
  return start === schemaRoot();
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${show(value)}`;
  if (typeof value === 'number') return Number.isInteger(value) ? `the number ${value}` : `the fraction ${value}`;
  return `\`${String(value)}\``;
}

function boundsMessage(node: SchemaNode, value: unknown): string {
  const kind = node.type === 'integer' ? 'an integer' : 'a number';
  const min = node.minimum as number | undefined;
  const max = node.maximum as number | undefined;
  const range = min !== undefined && max !== undefined ? `between ${min} and ${max}` : min !== undefined ? `of at least ${min}` : `of at most ${max}`;
  return `must be ${kind} ${range}, not ${String(value)}`;
}

/** `/routers/r1/lan/0` → `['routers', 'r1', 'lan', 0]` (indexes only inside lists). */
export function pointerToPath(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const out: PathSegment[] = [];
  let cur = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key: PathSegment = Array.isArray(cur) ? Number(seg) : seg;
    out.push(key);
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[key] : undefined;
  }
  return out;
}

function valueAt(data: unknown, path: Path): unknown {
  let cur = data;
  for (const seg of path) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[seg] : undefined;
  return cur;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
