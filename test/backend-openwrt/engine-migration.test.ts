// The one backend engine (issue #14) on a router set up by the agent before it: a version 1
// ledger.json, the originals under /etc/dlan/original, two snapshots holding version 1 ledgers.
// The old tree is built by hand from a tree the current agent made (the same router, the same two
// applies), the way the old agent wrote it; then restore, apply and uninstall run on both trees and
// must leave the same router, the old one migrated (ledger version 2, originals moved).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseLedger } from '../../agent/backend/common/dlan-ledger.ts';
import { OPENWRT_LEDGER } from '../../agent/backend/openwrt/openwrt-ledger-format.ts';
import { snapshotId } from '../../agent/backend/common/snapshot-store.ts';
import { makeStockRoot, referenceConfig, runAgent, seedKey, tempDir, treeState } from './support/openwrt-root.ts';
import { useUciDoubleDirectly } from './support/openwrt-root.ts';

useUciDoubleDirectly();

const DLAN = 'etc/dlan';
/** What the old agent wrote for a version 2 ledger (its serializer: JSON.stringify, two spaces). */
function v1Ledger(v2Text: string): string {
  const l = parseLedger(v2Text, 'ledger.json', OPENWRT_LEDGER);
  const old = { version: 1, router: l.router, packages: l.own.packages, files: l.files, odhcpdDisabled: l.own.odhcpdDisabled, rendered: l.rendered, ...(l.answers ? { answers: l.answers } : {}) };
  return `${JSON.stringify(old, null, 2)}\n`;
}

/** Turns a tree of the current agent into the old agent's layout. */
function toOldLayout(root: string): void {
  const ledger = join(root, DLAN, 'ledger.json');
  writeFileSync(ledger, v1Ledger(readFileSync(ledger, 'utf8')));
  renameSync(join(root, DLAN, 'originals'), join(root, DLAN, 'original'));
  for (const name of readdirSync(join(root, DLAN, 'snapshots'))) {
    const file = join(root, DLAN, 'snapshots', name);
    const snap = JSON.parse(readFileSync(file, 'utf8')) as { files: { path: string; content: string | null }[] };
    for (const f of snap.files) if (f.path === '/etc/dlan/ledger.json' && f.content !== null) f.content = v1Ledger(f.content);
    writeFileSync(file, `${JSON.stringify(snap, null, 1)}\n`);
  }
}

/** The router as the agent leaves it, without the snapshots (ids differ by the clock) and scratch files. */
const routerFiles = (root: string) =>
  new Map([...treeState(root, (rel) => rel.startsWith(`${DLAN}/snapshots`) || rel.startsWith(`${DLAN}/check`) || rel.startsWith('tmp/'))].map(([k, v]) => [k, v.content]));

/** The same, with a ledger of either format read as what it means. */
function meaning(root: string): Map<string, unknown> {
  const m = new Map<string, unknown>(routerFiles(root));
  const text = m.get(`${DLAN}/ledger.json`) as string | undefined;
  if (text !== undefined) m.set(`${DLAN}/ledger.json`, parseLedger(text, 'ledger.json', OPENWRT_LEDGER));
  return m;
}

test('a router set up by the old agent (ledger v1, original/, old snapshots): restore, apply and uninstall leave it as on a new one, migrated', async () => {
  const fresh = makeStockRoot();
  seedKey(fresh, 'r2');
  const c1 = referenceConfig();
  const c2 = referenceConfig((y) => y.replace('cost: 5', 'cost: 9'));
  assert.equal((await runAgent(['apply', '--config', c1, '--router', 'r2', '--root', fresh])).code, 0);
  assert.equal((await runAgent(['apply', '--config', c2, '--router', 'r2', '--root', fresh])).code, 0);
  const old = join(tempDir('old-layout'), 'root');
  cpSync(fresh, old, { recursive: true });
  toOldLayout(old);
  const oldSnapshots = readdirSync(join(old, DLAN, 'snapshots')).map((n) => n.slice(0, -5)).sort().map((id) => `${id}.json`);
  assert.equal(oldSnapshots.length, 2);
  assert.ok(existsSync(join(old, DLAN, 'original', 'etc', 'config', 'network')));
  // A damaged snapshot of the old agent sorts before them: the applies never read it.
  writeFileSync(join(old, DLAN, 'snapshots', '20000101T000000Z.json'), '{"id": "20000101T0');

  // The plan of an old router reads it as it is and writes nothing.
  const before = treeState(old);
  assert.equal((await runAgent(['plan', '--config', c2, '--router', 'r2', '--root', old])).code, 0);
  assert.deepEqual(treeState(old), before, 'plan writes nothing, migration included');

  for (const root of [fresh, old]) {
    const r = await runAgent(['restore', '--root', root]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /birdc configure/);
  }
  assert.deepEqual(meaning(old), meaning(fresh), 'restore: the same router');
  assert.ok(!existsSync(join(old, DLAN, 'original')), 'the originals moved');
  assert.ok(existsSync(join(old, DLAN, 'originals', 'etc', 'config', 'network')));

  for (const root of [fresh, old]) assert.equal((await runAgent(['apply', '--config', c2, '--router', 'r2', '--root', root])).code, 0);
  assert.deepEqual(routerFiles(old), routerFiles(fresh), 'apply: the same router, byte for byte (ledger version 2 on both)');
  assert.equal(JSON.parse(readFileSync(join(old, DLAN, 'ledger.json'), 'utf8')).version, 2);

  // Old and new snapshot ids sort by time as plain strings.
  // Sorted as ids, without `.json`: `X-002.json` sorts before `X.json` as a file name (`-` < `.`).
  const ids = readdirSync(join(old, DLAN, 'snapshots')).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).sort().map((id) => `${id}.json`);
  const times = ids.filter((n) => n !== '20000101T000000Z.json').map((n) => Date.parse((JSON.parse(readFileSync(join(old, DLAN, 'snapshots', n), 'utf8')) as { createdAt: string }).createdAt));
  assert.deepEqual(times, [...times].sort((a, b) => a - b));
  assert.deepEqual(ids.slice(1, 3), oldSnapshots, 'the old snapshots keep their ids');
  const damaged = await runAgent(['restore', '--root', old, '--snapshot', '20000101T000000Z']);
  assert.equal(damaged.code, 1);
  assert.match(damaged.stderr, /20000101T000000Z\.json is damaged: nothing restored/);

  for (const root of [fresh, old]) assert.equal((await runAgent(['uninstall', '--root', root])).code, 0);
  assert.deepEqual(routerFiles(old), routerFiles(fresh), 'uninstall: the same router');
  assert.ok(!existsSync(join(old, DLAN, 'ledger.json')) && !existsSync(join(old, DLAN, 'original')));
});

test('a second snapshot in the same second sorts after the first, also after ids with more parts', () => {
  const ms = Date.UTC(2026, 11, 5, 12, 59, 36, 500);
  assert.equal(snapshotId(ms, []), '20261205T125936Z');
  assert.equal(snapshotId(ms, ['20261205T125936Z']), '20261205T125936Z-002');
  assert.equal(snapshotId(ms, ['20261205T125935Z', '20261205T125936Z-123']), '20261205T125936Z-124');
  assert.equal(snapshotId(ms + 1000, ['20261205T125936Z-123']), '20261205T125937Z');
});

test('a ledger this agent cannot read is refused, naming the file: another backend, a newer version, not JSON', async () => {
  for (const [text, why] of [
    ['{"version": 2, "backend": "linux", "files": {}}', /ledger\.json is version 2 of the linux ledger: refusing to guess what dlan-agent owns \(it reads version 2 of the openwrt ledger\)/],
    ['{"version": 3, "backend": "openwrt", "files": {}}', /ledger\.json is version 3 of the openwrt ledger: refusing/],
    ['{"version": 2, "backend": "open', /ledger\.json is not valid JSON: refusing/],
  ] as const) {
    const root = makeStockRoot();
    seedKey(root, 'r2');
    mkdirSync(dirname(join(root, DLAN, 'ledger.json')), { recursive: true });
    writeFileSync(join(root, DLAN, 'ledger.json'), text);
    const before = treeState(root);
    const r = await runAgent(['apply', '--config', referenceConfig(), '--router', 'r2', '--root', root]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, why);
    assert.deepEqual(treeState(root), before, 'nothing changed, the ledger not overwritten');
  }
});
