// Reading the config repo from disk through the Host: a folder with dlan.yaml (+ routers/), or
// one file; missing files and non-UTF-8 bytes become diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeHost } from '../../agent/host/node-host.ts';
import { readConfigFiles } from '../../agent/config/read-config-files.ts';

const host = createNodeHost();

function tempRepo(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dlan-read-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

test('read: a folder gives dlan.yaml first, then router files sorted, other files ignored', async (t) => {
  const dir = tempRepo({
    'dlan.yaml': 'version: 1\n',
    'routers/r9.yaml': 'id: 9\n',
    'routers/r10.yml': 'id: 10\n',
    'routers/README.md': '# not a router\n',
    'routers/.hidden.yaml': 'x: 1\n',
  });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await readConfigFiles(host, dir);
  assert.ok(r.ok);
  assert.deepEqual(r.files.map((f) => f.path), ['dlan.yaml', 'routers/r10.yml', 'routers/r9.yaml']);
  assert.equal(r.files[2]!.text, 'id: 9\n');
});

test('read: a single file is the whole config; its path is its name', async (t) => {
  const dir = tempRepo({ 'mesh.yaml': 'version: 1\n', 'routers/r1.yaml': 'id: 1\n' });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await readConfigFiles(host, join(dir, 'mesh.yaml'));
  assert.ok(r.ok);
  assert.deepEqual(r.files, [{ path: 'mesh.yaml', text: 'version: 1\n' }]);
});

test('read: a folder without dlan.yaml is a diagnostic (with a hint for dlan.yml)', async (t) => {
  const dir = tempRepo({ 'dlan.yml': 'version: 1\n' });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await readConfigFiles(host, dir);
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.diagnostics.length, 1);
  assert.equal(r.diagnostics[0]!.file, 'dlan.yaml');
  assert.match(r.diagnostics[0]!.message, /^no dlan\.yaml in .*found dlan\.yml/);
});

test('read: a missing path is a diagnostic', async () => {
  const r = await readConfigFiles(host, join(tmpdir(), 'dlan-does-not-exist-4711'));
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.match(r.diagnostics[0]!.message, /does not exist/);
});

test('read: bytes that are not UTF-8 are a diagnostic with their line', async (t) => {
  const dir = tempRepo({ 'dlan.yaml': 'version: 1\n', 'routers/r1.yaml': Uint8Array.from([...Buffer.from('id: 1\nname: caf'), 0xe9, 0x0a]) });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await readConfigFiles(host, dir);
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.deepEqual(r.diagnostics.map((d) => [d.file, d.line, d.column]), [['routers/r1.yaml', 2, 10]]);
  assert.match(r.diagnostics[0]!.message, /not valid UTF-8/);
});
