// Hostile configs are refused with a precise message (for the bounds of issue #12.4: which bound,
// in which file, at which line), in a child process whose heap is capped
// (test/security/support/hostile-configs.ts): exponential or quadratic behaviour exhausts the cap
// and fails the test instead of the machine. How long refusing takes, and how much memory, is a
// benchmark (bench/hostile-inputs.ts), not an assertion here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { denseDocuments, hostileDocuments, measure, tenThousandRouterFiles, tenThousandRouters } from './support/hostile-configs.ts';
import { ensureBundles, QJS_BUNDLE } from '../qjs/ensure-bundles.ts';
import { runQjsModule } from '../qjs/qjs-engine.ts';

test('10 000 routers in dlan.yaml (2 MB): refused before reading, by the file size bound', () => {
  const m = measure({ 'dlan.yaml': tenThousandRouters() });
  assert.deepEqual(m.messages, ['dlan.yaml:0: : is larger than 1 MiB (2111872 bytes): dlan-agent refuses larger configs so that loading stays small (limits in docs/config-format.md)']);
});

test('10 000 router files in routers/: refused at the router file that crosses the token bound', () => {
  const m = measure(tenThousandRouterFiles());
  assert.equal(m.ok, false);
  assert.equal(m.count, 1, m.messages.join('\n'));
  assert.match(m.messages[0]!, /^routers\/r\d+\.yaml:[1-9]\d*: : the config repo holds more than 150000 YAML tokens/);
});

test('alias bombs, deep nesting, a 1 MB string, 5 000 self-links, dense YAML: each refused with its reason', () => {
  for (const [what, text, why] of hostileDocuments()) {
    const m = measure({ 'dlan.yaml': text });
    assert.equal(m.ok, false, what);
    assert.ok(m.messages.some((x) => why.test(x)), `${what}: ${m.messages.slice(0, 5).join('\n')}`);
  }
});

test('a file over the size limit, and files over the total, are refused before reading; a non-UTF-8 file too', () => {
  const big = measure({ 'dlan.yaml': `version: 1\n# ${'x'.repeat(1024 * 1024)}\n` });
  assert.deepEqual(big.messages.map((x) => x.replace(/:.*/, '')), ['dlan.yaml'], big.messages.join('\n'));
  assert.match(big.messages[0]!, /is larger than 1 MiB \(1048590 bytes\)/);
  // Three router files of 900 KB each: the third makes 2.6 MiB in all; the files after it are not read.
  const padded = (id: number) => `id: ${id}\n# ${'x'.repeat(900_000)}\n`;
  const many = measure({ 'dlan.yaml': 'version: 1\n', 'routers/a.yaml': padded(1), 'routers/b.yaml': padded(2), 'routers/c.yaml': padded(3), 'routers/d.yaml': padded(4) });
  assert.deepEqual(many.messages, ['routers/c.yaml:0: : makes the config repo larger than 2 MiB in all: dlan-agent refuses larger configs so that loading stays small (limits in docs/config-format.md)']);
  const bytes = measure({ 'dlan.yaml': Buffer.from([0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x3a, 0x20, 0x31, 0x0a, 0xc3, 0x28, 0x0a]) });
  assert.ok(bytes.messages.some((x) => /not valid UTF-8/.test(x)), bytes.messages.join('\n'));
});

test('the router build (QuickJS) refuses by the same bounds, with the same words', async (t) => {
  ensureBundles();
  const dir = mkdtempSync(join(tmpdir(), 'dlan-bounds-qjs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cheap = denseDocuments().filter(([what]) => /7\.8 MB|aliases/.test(what));
  assert.equal(cheap.length, 2);
  for (const [what, text, why] of cheap) {
    mkdirSync(join(dir, what), { recursive: true });
    writeFileSync(join(dir, what, 'dlan.yaml'), text);
    const r = await runQjsModule(readFileSync(QJS_BUNDLE, 'utf8'), QJS_BUNDLE, { args: ['validate', join(dir, what)] });
    assert.equal(r.exitCode, 1, what);
    // validate prints FILE:LINE:COLUMN: MESSAGE; the shared reasons are written FILE:LINE: PATH: MESSAGE.
    const line = `${r.stdout}${r.stderr}`.split('\n').find((l) => l.startsWith('dlan.yaml')) ?? '';
    const asMeasured = line.replace(/^(dlan\.yaml)(?::(\d+):\d+)?: /, (_, f, l) => `${f}:${l ?? 0}: : `);
    assert.match(asMeasured, why, `${what}: ${r.stdout}${r.stderr}`);
  }
});
