// Runs the config corpus under test/fixtures through the disk reader and the loader, the way
// `dlan-agent validate PATH` does: every invalid/<case>/ must fail with an error whose message
// contains each expected substring, at the expected path and line (and file, default dlan.yaml);
// every valid/<case>/ and every example under examples/ must pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createNodeHost } from '../../agent/host/node-host.ts';
import { readConfigFiles } from '../../agent/config/read-config-files.ts';
import { ROOT, loader, describe } from './validate-support.ts';

const { loadConfig } = await loader();
const host = createNodeHost();
const FIXTURES = join(ROOT, 'test', 'fixtures');

interface Expect {
  messages: string[];
  path: string;
  line: number;
  file?: string;
}

async function validate(dir: string) {
  const read = await readConfigFiles(host, dir);
  if (!read.ok) return { ok: false as const, diagnostics: read.diagnostics };
  return loadConfig(read.files);
}

const cases = (kind: string) => (existsSync(join(FIXTURES, kind)) ? readdirSync(join(FIXTURES, kind)).sort() : []);

test('fixtures: the corpus is there', () => {
  assert.ok(cases('invalid').length >= 40);
  assert.ok(cases('valid').length >= 4);
});

for (const name of cases('invalid')) {
  test(`invalid fixture ${name}`, async () => {
    const dir = join(FIXTURES, 'invalid', name);
    const expect = JSON.parse(readFileSync(join(dir, 'expect.json'), 'utf8')) as Expect;
    const r = await validate(dir);
    assert.equal(r.ok, false, `${name} was accepted`);
    if (r.ok) return;
    const hit = r.diagnostics.find(
      (d) => d.path === expect.path && d.line === expect.line && d.file === (expect.file ?? 'dlan.yaml') && expect.messages.every((m) => d.message.includes(m)),
    );
    assert.ok(hit, `expected ${JSON.stringify(expect)} among:\n${describe(r.diagnostics)}`);
  });
}

for (const [kind, base] of [['valid', join(FIXTURES, 'valid')], ['example', join(ROOT, 'examples')]] as const) {
  const names = existsSync(base) ? readdirSync(base).filter((n) => existsSync(join(base, n, 'dlan.yaml'))).sort() : [];
  for (const name of names) {
    test(`${kind} ${name} validates`, async () => {
      const r = await validate(join(base, name));
      assert.ok(r.ok, r.ok ? '' : describe(r.diagnostics));
    });
  }
}
