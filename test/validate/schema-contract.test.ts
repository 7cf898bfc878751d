// The schema file as a product: hover help on every key, unknown keys refused everywhere, a
// readable message for every shape, and a generated validator that needs no eval, no ajv and no
// node at run time (it must bundle for QuickJS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT, loader } from './validate-support.ts';

await loader(); // generates the validator when a bare test run has not built it
const { shapeNames } = await import('../../agent/validate/shape-messages.ts');
const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'dlan.schema.json'), 'utf8')) as Record<string, unknown>;
type Node = Record<string, unknown>;

/** Every schema node with its JSON pointer. */
function walk(node: unknown, at: string, visit: (n: Node, at: string) => void): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`, visit));
  visit(node as Node, at);
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties' || k === '$defs') {
      for (const [name, sub] of Object.entries(v as Node)) walk(sub, `${at}/${k}/${name}`, visit);
    } else if (typeof v === 'object') walk(v, `${at}/${k}`, visit);
  }
}

test('schema: every key has a description (editor hover help)', () => {
  const missing: string[] = [];
  walk(schema, '#', (n, at) => {
    for (const [name, sub] of Object.entries((n.properties as Node | undefined) ?? {})) {
      if (typeof (sub as Node).description !== 'string' || ((sub as Node).description as string).length < 10) missing.push(`${at}/properties/${name}`);
    }
  });
  for (const [name, def] of Object.entries(schema.$defs as Node)) if (typeof (def as Node).description !== 'string') missing.push(`$defs/${name}`);
  assert.deepEqual(missing, []);
});

test('schema: every object refuses unknown keys', () => {
  const open: string[] = [];
  walk(schema, '#', (n, at) => {
    if (n.type === 'object' && n.additionalProperties !== false && typeof n.additionalProperties !== 'object') open.push(at);
    if (n.properties && n.additionalProperties !== false) open.push(at);
  });
  assert.deepEqual(open, []);
});

test('schema: every string shape has a plain-words message, and no shape admits injection characters', () => {
  const defs = schema.$defs as Record<string, Node>;
  const patterned = Object.entries(defs).filter(([, d]) => typeof d.pattern === 'string').map(([n]) => n).sort();
  assert.deepEqual(patterned, shapeNames().sort());
  const evil = ['a;b', 'a"b', "a'b", 'a{b', 'a}b', 'a\nb', 'a\u0000b', 'a\tb', 'a`b'];
  for (const [name, d] of Object.entries(defs)) {
    if (typeof d.pattern !== 'string' || name === 'sshKey' || name === 'txtText') continue;
    const re = new RegExp(d.pattern as string, 'u');
    for (const s of evil) assert.equal(re.test(s), false, `${name} admits ${JSON.stringify(s)}`);
  }
  const ssh = new RegExp(defs.sshKey!.pattern as string, 'u');
  for (const s of evil) assert.equal(ssh.test(`ssh-ed25519 AAAA ${s}`), false, `sshKey comment admits ${JSON.stringify(s)}`);
  // TXT text needs `;` and friends (DKIM, SPF); the renderers quote it (dnsmasq) or hex-encode it
  // (UCI dnsrr), which only `"`, `\` and control characters could break.
  const txt = new RegExp(defs.txtText!.pattern as string, 'u');
  assert.equal(txt.test('v=DKIM1; k=rsa; p=MIGf'), true);
  for (const s of ['a"b', 'a\\b', 'a\nb', 'a\u0000b', 'a\tb', 'a\u00e9b']) assert.equal(txt.test(s), false, `txtText admits ${JSON.stringify(s)}`);
});

test('schema: a routers/<name>.yaml body is $defs/router', () => {
  const defs = schema.$defs as Record<string, Node>;
  assert.deepEqual(Object.keys(defs.router!.properties as Node).sort(), ['age_recipient', 'endpoint', 'id', 'lan', 'public_key', 'wan']);
  assert.deepEqual(((schema.properties as Node).routers as Node).additionalProperties, { $ref: '#/$defs/router' });
});

test('generated validator: standalone ESM without eval, require or ajv', () => {
  const code = readFileSync(join(ROOT, 'agent', 'validate', 'generated', 'dlan-validator.js'), 'utf8');
  assert.doesNotMatch(code, /\brequire\s*\(|new Function|\beval\s*\(|from\s+["']ajv/);
  assert.match(code, /export const validateDlan/);
  assert.match(code, /export const validateRouter/);
});

test('loader: bundles for a platform without node (QuickJS) and needs no node module', async () => {
  const r = await build({
    entryPoints: [join(ROOT, 'agent', 'load', 'load-config.ts')],
    bundle: true, write: false, platform: 'neutral', format: 'esm', mainFields: ['module', 'main'], logLevel: 'silent',
  });
  const code = r.outputFiles[0]!.text;
  assert.doesNotMatch(code, /\brequire\s*\(\s*["']|from\s+["']node:|new Function\(|\beval\(/);
  assert.ok(code.length > 1000);
});
