// The /etc/dlan layout has one home, agent/base/dlan-paths.ts (issue #14: it was written out in
// four places, wireguard.key three times, so a moved file could be missed by one reader). Any
// other agent file that spells one of dlan's own paths in code, rather than naming it from the
// table, fails here. Comments and help texts (`DIR/etc/dlan/...`) do not count: they show paths,
// they do not open them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as DLAN_PATHS from '../../agent/base/dlan-paths.ts';
import { underRoot } from '../../agent/base/dlan-paths.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TABLE = 'agent/base/dlan-paths.ts';
/** A literal or template part that starts with one of dlan's own folders. */
const SPELLED = /(?:['"`]|\})\/(?:etc\/dlan|etc\/config\/dlan-agent|var\/run\/dlan|var\/lib\/dlan|tmp\/dlan-uci)(?=[/'"`]|$)/;

export function spelledPaths(file: string, text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
    if (SPELLED.test(code)) out.push(`${file}:${i + 1}: ${line.trim()}`);
  });
  return out;
}

test('dlan paths are spelled only in the table', () => {
  const hits: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && relative(ROOT, p) !== TABLE) hits.push(...spelledPaths(relative(ROOT, p), readFileSync(p, 'utf8')));
    }
  };
  walk(join(ROOT, 'agent'));
  assert.deepEqual(hits, []);
});

test('the check sees a spelled path in a literal and a template, not in a comment or after DIR', () => {
  assert.equal(spelledPaths('a.ts', "const k = '/etc/dlan/wireguard.key';").length, 1);
  assert.equal(spelledPaths('a.ts', 'const d = `${r}/etc/dlan`;').length, 1);
  assert.equal(spelledPaths('a.ts', '// kept in /etc/dlan/state.json').length, 0);
  assert.equal(spelledPaths('a.ts', ' * under <root>/etc/dlan/snapshots').length, 0);
  assert.equal(spelledPaths('a.ts', '  --snapshot ID  (see DIR/etc/dlan/snapshots)').length, 0);
});

test('underRoot puts a table path below --root without doubling or losing a slash', () => {
  assert.equal(underRoot('/', DLAN_PATHS.wireguardKey), '/etc/dlan/wireguard.key');
  assert.equal(underRoot('', DLAN_PATHS.wireguardKey), '/etc/dlan/wireguard.key');
  assert.equal(underRoot('/tmp/r1/', DLAN_PATHS.snapshots), '/tmp/r1/etc/dlan/snapshots');
  assert.equal(underRoot('/tmp/r1', DLAN_PATHS.syncLock), '/tmp/r1/var/run/dlan/sync.lock');
});

test('every path in the table is one of dlan\'s own', () => {
  for (const [name, path] of Object.entries(DLAN_PATHS).filter(([, v]) => typeof v === 'string')) {
    assert.match(path as string, /^\/(etc\/dlan|etc\/config\/dlan-agent$|var\/run\/dlan\/|var\/lib\/dlan\/|tmp\/dlan-uci$)/, name);
  }
});
