// Issue #12.8: `validate` (and every command that loads the config) in a CI checkout must not
// follow a symlink the repo holds: dlan.yaml -> .git/config would print the CI token in an error
// excerpt. Every link among the files the loader reads is refused unread, under node and under
// QuickJS, and the secret the targets hold never appears in any output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBundles, NODE_BUNDLE, QJS_BUNDLE, ROOT } from '../qjs/ensure-bundles.ts';
import { runQjsModule } from '../qjs/qjs-engine.ts';

const SECRET = 'SECRET-MARKER-7f3a9c';
const VALID = readFileSync(join(ROOT, 'examples', 'reference', 'dlan.yaml'), 'utf8');

/** A checkout with a .git/config holding a token, and a secret file outside the repo. */
function checkout(t: { after(fn: () => void): void }): { repo: string; outside: string } {
  const base = mkdtempSync(join(tmpdir(), 'dlan-links-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const repo = join(base, 'repo');
  mkdirSync(join(repo, '.git'), { recursive: true });
  // YAML-looking secrets: a loader that followed the link would parse them and quote them.
  writeFileSync(join(repo, '.git', 'config'), `[remote "origin"]\n  url: https://ci:${SECRET}@forge.example/mesh.git\n`);
  const outside = join(base, 'outside');
  mkdirSync(join(outside, 'dir'), { recursive: true });
  writeFileSync(join(outside, 'passwd'), `id: 1\npublic_key: ${SECRET}\nroot: ${SECRET}\n`);
  writeFileSync(join(outside, 'dir', 'dlan.yaml'), `version: 1\ndomain: ${SECRET}\n`);
  return { repo, outside };
}

async function validateBoth(path: string): Promise<{ code: number | null; out: string }[]> {
  ensureBundles();
  const n = spawnSync(process.execPath, [NODE_BUNDLE, 'validate', path], { cwd: ROOT, encoding: 'utf8' });
  const q = await runQjsModule(readFileSync(QJS_BUNDLE, 'utf8'), QJS_BUNDLE, { args: ['validate', path] });
  assert.equal(q.uncaught, undefined);
  return [
    { code: n.status, out: n.stdout + n.stderr },
    { code: q.exitCode ?? null, out: q.stdout + q.stderr },
  ];
}

async function expectRefused(path: string, file: string): Promise<void> {
  for (const r of await validateBoth(path)) {
    assert.equal(r.code, 1, r.out);
    assert.ok(!r.out.includes(SECRET), `the secret leaked:\n${r.out}`);
    assert.match(r.out, new RegExp(`${file.replace(/[.*/]/g, '\\$&')}: is a symbolic link`), r.out);
  }
}

test('dlan.yaml -> .git/config is refused unread', async (t) => {
  const { repo } = checkout(t);
  symlinkSync('.git/config', join(repo, 'dlan.yaml'));
  await expectRefused(repo, 'dlan.yaml');
});

test('routers/x.yaml -> a file outside the repo, and a dangling router link, are refused', async (t) => {
  const { repo, outside } = checkout(t);
  writeFileSync(join(repo, 'dlan.yaml'), VALID);
  mkdirSync(join(repo, 'routers'));
  symlinkSync(join(outside, 'passwd'), join(repo, 'routers', 'x.yaml'));
  symlinkSync(join(outside, 'gone.yaml'), join(repo, 'routers', 'y.yaml'));
  await expectRefused(repo, 'routers/x.yaml');
  await expectRefused(repo, 'routers/y.yaml');
});

test('routers -> a folder outside the repo, and a config folder that is a link, are refused', async (t) => {
  const { repo, outside } = checkout(t);
  writeFileSync(join(repo, 'dlan.yaml'), VALID);
  symlinkSync(join(outside, 'dir'), join(repo, 'routers'));
  writeFileSync(join(outside, 'dir', 'r9.yaml'), `id: 9\npublic_key: ${SECRET}\n`);
  await expectRefused(repo, 'routers');
  symlinkSync(join(outside, 'dir'), join(repo, 'config'));
  await expectRefused(join(repo, 'config'), join(repo, 'config'));
});

test('a dangling dlan.yaml link is refused as a link, not reported missing', async (t) => {
  const { repo } = checkout(t);
  symlinkSync('nowhere.yaml', join(repo, 'dlan.yaml'));
  await expectRefused(repo, 'dlan.yaml');
});
