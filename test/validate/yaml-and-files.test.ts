// The loader's handling of YAML itself and of several files: syntax errors with positions,
// duplicate keys, alias bombs (fast), router files merged under `routers`, a router defined
// twice, and every error of every file reported in one run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, KEY, edit, expectOnlyError, expectDiagnostic, load, describe } from './validate-support.ts';

const ROUTER3 = `id: 3
public_key: ${KEY.r3}
endpoint: 198.51.100.3
wan: [ { device: eth0 } ]
lan:
  - device: eth1
    ipv4: 10.2.3.0/24
`;
const MAIN_WITH_LINK = edit(BASE, ['  - [r1, r2]\n', '  - [r1, r2]\n  - [r1, r3]\n']);

test('yaml: a syntax error names the line', async () => {
  await expectOnlyError('version: 1\nrouters:\n  r1: [a, b\n', { message: 'YAML syntax error', path: '', line: 4 });
});

test('yaml: duplicate keys are errors', async () => {
  const text = edit(BASE, ['    id: 2\n', '    id: 2\n    id: 3\n']);
  await expectOnlyError(text, { message: 'duplicate key `id`', path: '', line: text.split('\n').indexOf('    id: 3') + 1 });
});

test('yaml: duplicate keys in a flow mapping are errors, at the second key', async () => {
  await expectOnlyError('version: 1\nrouters:\n  r1: { id: 1,\n    id: 2 }\n', { message: 'duplicate key `id`', path: '', line: 4 });
});

test('yaml: tabs for indentation are reported', async () => {
  await expectOnlyError('version: 1\nrouters:\n\tr1: {}\n', { message: 'tabs are not allowed', path: '', line: 3 });
});

test('yaml: several documents in one file are refused', async () => {
  await expectOnlyError(`${BASE}---\nversion: 1\n`, { message: 'more than one YAML document', path: '', line: BASE.split('\n').length });
});

test('yaml: an alias without anchor is reported', async () => {
  await expectOnlyError(edit(BASE, ['    wan: [ { device: eth0 } ]\n    lan:', '    wan: *uplinks\n    lan:']), { message: 'alias `*uplinks` has no anchor', path: '', line: 6 });
});

test('yaml: a few anchors and aliases are fine', async () => {
  const text = edit(BASE, ['    wan: [ { device: eth0 } ]\n    lan:', '    wan: &uplink [ { device: eth0 } ]\n    lan:'], ['    wan: [ { device: eth0, ipv4: 203.0.113.2/24, gateway_ipv4: 203.0.113.1 } ]\n', '    wan: *uplink\n']);
  const r = await load(text);
  assert.ok(r.ok, r.ok ? '' : describe(r.diagnostics));
  assert.deepEqual(r.config.routers[1]!.wan, [{ device: 'eth0' }]);
});

test('yaml: an alias bomb fails fast with a clear error', async () => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 12; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const started = performance.now();
  const r = await load(`${levels.join('\n')}\n`);
  const elapsed = performance.now() - started;
  assert.equal(r.ok, false);
  if (r.ok) return;
  expectDiagnostic(r.diagnostics, { message: 'too many alias expansions', path: '', line: 2 });
  // 9^11 strings if expanded: finishing at all (within the test's timeout) proves the expansion
  // was cut short; the time is printed, not asserted.
  console.log(`alias bomb refused in ${elapsed.toFixed(0)} ms`);
});

test('yaml: a mapping key must be a plain string', async () => {
  await expectOnlyError('version: 1\n? [a, b]\n: 1\n', { message: 'a mapping key must be a plain string', path: '', line: 2 });
});

test('files: routers/<name>.yaml is merged under routers, errors point into it with the merged path', async () => {
  const r = await load([
    { path: 'dlan.yaml', text: MAIN_WITH_LINK },
    { path: 'routers/r3.yaml', text: ROUTER3.replace('10.2.3.0/24', '10.2.0.0/25') },
  ]);
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.diagnostics.length, 1, describe(r.diagnostics));
  expectDiagnostic(r.diagnostics, { file: 'routers/r3.yaml', path: 'routers.r3.lan[0].ipv4', line: 7, message: 'overlaps `routers.r1.lan[0].ipv4`' });
});

test('files: a valid router file joins the mesh', async () => {
  const r = await load([{ path: 'dlan.yaml', text: MAIN_WITH_LINK }, { path: 'routers/r3.yml', text: ROUTER3 }]);
  assert.ok(r.ok, r.ok ? '' : describe(r.diagnostics));
  assert.deepEqual(r.config.routers.map((x) => x.name), ['r1', 'r2', 'r3']);
});

test('files: dlan.yaml may leave routers out entirely', async () => {
  const r1 = `id: 1\npublic_key: ${KEY.r1}\nendpoint: 203.0.113.1\nwan: [ { device: eth0 } ]\n`;
  const r = await load([{ path: 'dlan.yaml', text: 'version: 1\nlinks: [[r1, r3]]\n' }, { path: 'routers/r1.yaml', text: r1 }, { path: 'routers/r3.yaml', text: ROUTER3 }]);
  assert.ok(r.ok, r.ok ? '' : describe(r.diagnostics));
});

test('files: an empty `routers:` in dlan.yaml is the same as none when routers/ holds them', async () => {
  const r = await load([{ path: 'dlan.yaml', text: 'version: 1\nrouters:   # see routers/\n' }, { path: 'routers/r3.yaml', text: ROUTER3 }]);
  assert.ok(r.ok, r.ok ? '' : describe(r.diagnostics));
});

test('files: an empty dlan.yaml says what it must hold', async () => {
  await expectOnlyError('# nothing yet\n', { message: 'the file must hold a mapping of settings', path: '', line: 1 });
});

test('files: a router defined in dlan.yaml and in routers/ is an error naming both places', async () => {
  const r = await load([{ path: 'dlan.yaml', text: BASE }, { path: 'routers/r2.yaml', text: ROUTER3 }]);
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.diagnostics.length, 1, describe(r.diagnostics));
  expectDiagnostic(r.diagnostics, { file: 'routers/r2.yaml', path: 'routers.r2', line: 1, message: 'router `r2` is defined twice: in dlan.yaml:11 (`routers.r2`) and in routers/r2.yaml' });
});

test('files: a router in both .yaml and .yml is defined twice', async () => {
  const r = await load([{ path: 'dlan.yaml', text: MAIN_WITH_LINK }, { path: 'routers/r3.yaml', text: ROUTER3 }, { path: 'routers/r3.yml', text: ROUTER3 }]);
  assert.equal(r.ok, false);
  if (r.ok) return;
  expectDiagnostic(r.diagnostics, { file: 'routers/r3.yml', path: 'routers.r3', line: 1, message: 'router `r3` is defined twice: in routers/r3.yaml and in routers/r3.yml' });
});

test('files: a router file name must be a router name', async () => {
  const r = await load([{ path: 'dlan.yaml', text: BASE }, { path: 'routers/R_3.yaml', text: ROUTER3 }]);
  assert.equal(r.ok, false);
  if (r.ok) return;
  expectDiagnostic(r.diagnostics, { file: 'routers/R_3.yaml', path: 'routers.R_3', line: 0, message: 'file name `R_3` is not a valid router name' });
});

test('files: a router file holds a mapping', async () => {
  const r = await load([{ path: 'dlan.yaml', text: BASE }, { path: 'routers/r3.yaml', text: '- id: 3\n' }]);
  assert.equal(r.ok, false);
  if (r.ok) return;
  expectDiagnostic(r.diagnostics, { file: 'routers/r3.yaml', path: 'routers.r3', line: 1, message: "must hold the router's keys" });
});

test('files: every error of every file is reported in one run', async () => {
  const main = edit(MAIN_WITH_LINK, ['version: 1\n', 'version: 1\ncolour: blue\n'], ['  - [r1, r3]\n', '  - [r1, r3]\n  - [r2, r2]\n']);
  const r = await load([
    { path: 'dlan.yaml', text: main },
    { path: 'routers/r2.yaml', text: `id: 2\npublic_key: short\nwan: []\n` },
    { path: 'routers/r3.yaml', text: ROUTER3.replace('id: 3', 'id: 1') },
    { path: 'routers/r4.yaml', text: `id: 4\npublic_key: ${KEY.r4}\nwan: [ { device: eth0 } ]\nfoo: 1\n` },
  ]);
  assert.equal(r.ok, false);
  if (r.ok) return;
  expectDiagnostic(r.diagnostics, { path: 'colour', line: 2, message: 'unknown key `colour`' });
  expectDiagnostic(r.diagnostics, { path: 'links[2]', message: 'links router `r2` to itself' });
  expectDiagnostic(r.diagnostics, { file: 'routers/r2.yaml', path: 'routers.r2', message: 'defined twice' });
  expectDiagnostic(r.diagnostics, { file: 'routers/r2.yaml', path: 'routers.r2.public_key', line: 2, message: 'is not a WireGuard public key' });
  expectDiagnostic(r.diagnostics, { file: 'routers/r2.yaml', path: 'routers.r2.wan', line: 3, message: 'at least one `wan`' });
  expectDiagnostic(r.diagnostics, { file: 'routers/r3.yaml', path: 'routers.r3.id', line: 1, message: 'duplicate id 1' });
  expectDiagnostic(r.diagnostics, { file: 'routers/r4.yaml', path: 'routers.r4.foo', line: 4, message: 'unknown key `foo`' });
  // Sorted by file (in the order given), then line.
  const files = r.diagnostics.map((d) => d.file);
  assert.deepEqual(files, [...files].sort((a, b) => ['dlan.yaml', 'routers/r2.yaml', 'routers/r3.yaml', 'routers/r4.yaml'].indexOf(a) - ['dlan.yaml', 'routers/r2.yaml', 'routers/r3.yaml', 'routers/r4.yaml'].indexOf(b)));
});

test('files: syntax errors of every file are reported together', async () => {
  const r = await load([{ path: 'dlan.yaml', text: 'version: 1\nversion: 1\n' }, { path: 'routers/r3.yaml', text: 'id: [3\n' }]);
  assert.equal(r.ok, false);
  if (r.ok) return;
  expectDiagnostic(r.diagnostics, { path: '', line: 2, message: 'duplicate key `version`' });
  expectDiagnostic(r.diagnostics, { file: 'routers/r3.yaml', path: '', message: 'YAML syntax error' });
});
