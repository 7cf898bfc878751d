// Shared by the validation tests: loads the config loader (generating the standalone validator
// first when a plain test run has not built it), and builds small configs from a valid base.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import type { Diagnostic } from '../../agent/base/diagnostic.ts';
import type { ConfigFile, LoadResult } from '../../agent/load/load-config.ts';

export const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

type Loader = typeof import('../../agent/load/load-config.ts');

/** The loader module; the generated validator is git-ignored, so a bare test run generates it. */
export async function loader(): Promise<Loader> {
  if (!existsSync(join(ROOT, 'agent', 'validate', 'generated', 'dlan-validator.js'))) {
    const gen = (await import(join(ROOT, 'build', 'gen-validator.mjs'))) as { generateValidator(root: string): Promise<void> };
    await gen.generateValidator(ROOT);
  }
  return import('../../agent/load/load-config.ts');
}

export const KEY = {
  r1: 'r/fqVyIhTD3x75i1E7GC8RJqJQBnDKpyGOTlu8L9THY=',
  r2: 'O0eQM2jqBhNqXjWRdQ0/EWBgHHEMAklQN5L4W/CvFGw=',
  r3: 'SoUBbhw6FP5Ch8wPc3iFw5x91womDg5L5cKa/o7hlyQ=',
  r4: 'hjKiaHSVkwAvE7Ik3SH7q+S3ttBNw5nCL7/xixdfjiw=',
} as const;

export const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBkGqkp0bnGkSGrWhHPZ8JzT0pP8gJvv7JdQ9lJdQ7Jd admin@laptop';

/** A valid two-router mesh; cases edit it with `edit()`. */
export const BASE = `version: 1
routers:
  r1:
    id: 1
    public_key: ${KEY.r1}
    wan: [ { device: eth0 } ]
    lan:
      - device: eth1
        ipv4: 10.2.0.0/24
        ipv6: "fd79:2de7:db86::/64"
  r2:
    id: 2
    public_key: ${KEY.r2}
    endpoint: 203.0.113.2
    wan: [ { device: eth0, ipv4: 203.0.113.2/24, gateway_ipv4: 203.0.113.1 } ]
links:
  - [r1, r2]
`;

/** Replaces text that must occur exactly once (so a case cannot silently edit nothing). */
export function edit(text: string, ...pairs: [string, string][]): string {
  let out = text;
  for (const [from, to] of pairs) {
    const n = out.split(from).length - 1;
    assert.equal(n, 1, `edit: ${JSON.stringify(from)} occurs ${n} times`);
    out = out.replace(from, to);
  }
  return out;
}

/** The 1-based line carrying the `#!` marker in `text`. */
export function markedLine(text: string): number {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes('#!'));
  assert.ok(i >= 0, 'no #! marker in the case');
  assert.equal(lines.filter((l) => l.includes('#!')).length, 1, 'more than one #! marker');
  return i + 1;
}

export async function load(files: ConfigFile[] | string): Promise<LoadResult> {
  const { loadConfig } = await loader();
  return loadConfig(typeof files === 'string' ? [{ path: 'dlan.yaml', text: files }] : files);
}

export interface Expected {
  message: string;
  path: string;
  line?: number;
  file?: string;
}

/** Asserts the config fails with exactly one error matching `expected` (message substring). */
export async function expectOnlyError(files: ConfigFile[] | string, expected: Expected): Promise<Diagnostic> {
  const r = await load(files);
  assert.equal(r.ok, false, 'expected the config to be rejected');
  if (r.ok) throw new Error('unreachable');
  assert.equal(r.diagnostics.length, 1, `expected exactly one error, got:\n${describe(r.diagnostics)}`);
  return expectDiagnostic(r.diagnostics, expected);
}

export function expectDiagnostic(ds: Diagnostic[], expected: Expected): Diagnostic {
  const d = ds.find((x) => x.message.includes(expected.message) && x.path === expected.path);
  assert.ok(d, `no error with path ${expected.path} and message containing ${JSON.stringify(expected.message)} in:\n${describe(ds)}`);
  if (expected.line !== undefined) assert.equal(d.line, expected.line, `line of: ${describe([d])}`);
  assert.equal(d.file, expected.file ?? 'dlan.yaml');
  if (d.line > 0) assert.ok(d.column >= 1, 'column is known');
  return d;
}

export function describe(ds: Diagnostic[]): string {
  return ds.map((d) => `  ${d.file}:${d.line}:${d.column}: ${d.path}: ${d.message}`).join('\n');
}

/** One rule case: the edited mesh, and the only error's message and merged path. */
export interface Case {
  name: string;
  text: string;
  message: string;
  path: string;
}

/** r1's LAN as written in BASE, the anchor most cases edit. */
export const R1_LAN = '      - device: eth1\n        ipv4: 10.2.0.0/24\n        ipv6: "fd79:2de7:db86::/64"\n';
