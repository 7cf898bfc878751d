// The one backend engine (issue #14) on a Debian router set up by the agent before it: its own
// /etc/dlan/linux-ledger.json (schema 1) and snapshots as folders `<id>/manifest.json` + `files/`.
// The old tree is built by hand from a tree the current agent made (same state, same applies), the
// way the old agent wrote it; restore, apply and uninstall then run on both and must leave the same
// router, the old one migrated. Files only (interfaces unmanaged): the netns tests cover those.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import type { BackendContext } from '../../agent/backend/backend.ts';
import { planAndApply } from '../../agent/backend/backend.ts';
import { parseLedger } from '../../agent/backend/common/dlan-ledger.ts';
import { createLinuxBackend } from '../../agent/backend/linux/linux-backend.ts';
import { LINUX_LEDGER } from '../../agent/backend/linux/linux-ledger-format.ts';
import { createNodeHost } from '../../agent/host/node-host.ts';
import { TEST_KEYS } from '../backend-openwrt/support/openwrt-root.ts';
import { twoRouterState } from './linux-test-support.ts';

const DLAN = 'etc/dlan';
const backend = createLinuxBackend({ manageInterfaces: false });
const host = createNodeHost({ log: { log() {} } });
const keys = { ra: TEST_KEYS.r1!.publicKey, rb: TEST_KEYS.r2!.publicKey };
const ctx = (root: string): BackendContext => ({ host, root, reload: false });

/** What the old agent wrote for a version 2 ledger. */
function oldLedger(v2Text: string): string {
  const l = parseLedger(v2Text, 'ledger.json', LINUX_LEDGER);
  const files = Object.keys(l.files);
  const old = { schema: 1, backend: 'linux', files, takenOver: files.filter((p) => l.files[p]!.originalExisted), ...l.own, pendingActions: l.pendingActions, rendered: l.rendered };
  return `${JSON.stringify(old, null, 2)}\n`;
}

/** Turns a tree of the current agent into the old agent's layout; returns the old snapshot ids. */
function toOldLayout(root: string): string[] {
  const ledger = join(root, DLAN, 'ledger.json');
  writeFileSync(join(root, DLAN, 'linux-ledger.json'), oldLedger(readFileSync(ledger, 'utf8')));
  rmSync(ledger);
  const dir = join(root, DLAN, 'snapshots');
  const ids: string[] = [];
  for (const name of readdirSync(dir)) {
    const snap = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { createdAt: string; files: { path: string; content: string | null; mode: number | null }[] };
    const ms = Date.parse(snap.createdAt);
    const id = new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.(\d+)Z$/, '$1Z');
    ids.push(id);
    const files = snap.files.map((f) => {
      const path = f.path === '/etc/dlan/ledger.json' ? '/etc/dlan/linux-ledger.json' : f.path;
      const content = f.content !== null && path !== f.path ? oldLedger(f.content) : f.content;
      if (content !== null) {
        mkdirSync(dirname(join(dir, id, 'files', path)), { recursive: true });
        writeFileSync(join(dir, id, 'files', path), content);
      }
      return { path, existed: content !== null, mode: f.mode };
    });
    writeFileSync(join(dir, id, 'manifest.json'), `${JSON.stringify({ id, backend: 'linux', createdMs: ms, files }, null, 2)}\n`);
    rmSync(join(dir, name));
  }
  return ids.sort();
}

const routerFiles = (root: string, ledgerAsMeaning = false): Map<string, unknown> => {
  const out = new Map<string, unknown>();
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (r === `${DLAN}/snapshots` || r === `${DLAN}/.check`) continue;
      if (e.isDirectory()) walk(r);
      else out.set(r, readFileSync(join(root, r), 'utf8'));
    }
  };
  walk('');
  const ledger = out.get(`${DLAN}/ledger.json`) as string | undefined;
  // The old Linux ledger had no router name (its applied-state file has): the next apply records it.
  if (ledgerAsMeaning && ledger !== undefined) out.set(`${DLAN}/ledger.json`, { ...parseLedger(ledger, 'ledger.json', LINUX_LEDGER), router: null });
  return out;
};

/** restore (latest), apply, uninstall: the router after each step. */
async function steps(root: string, onOld?: () => Promise<void>): Promise<Map<string, unknown>[]> {
  const out: Map<string, unknown>[] = [];
  await backend.restore(ctx(root));
  out.push(routerFiles(root, true));
  await planAndApply(backend, twoRouterState('ra', keys, { vni: 300 }), ctx(root));
  out.push(routerFiles(root));
  await onOld?.();
  await backend.restore(ctx(root), (await backend.snapshots(ctx(root)))[0]);
  await backend.uninstall(ctx(root));
  out.push(routerFiles(root));
  return out;
}

test('a Debian router set up by the old agent (linux-ledger.json, snapshot folders): restore, apply and uninstall leave it as on a new one, migrated', async () => {
  // The same folder for both runs: rendered files name it.
  const root = mkdtempSync(join(tmpdir(), 'dlan-linux-mig-'));
  // A bird.conf of the user's: taken over, its original kept, given back by uninstall.
  mkdirSync(join(root, 'etc', 'bird'), { recursive: true });
  writeFileSync(join(root, 'etc', 'bird', 'bird.conf'), "# the user's bird\n");
  await planAndApply(backend, twoRouterState('ra', keys), ctx(root));
  await new Promise((res) => setTimeout(res, 5)); // two snapshots, two milliseconds
  await planAndApply(backend, twoRouterState('ra', keys, { vni: 300 }), ctx(root));
  const saved = mkdtempSync(join(tmpdir(), 'dlan-linux-saved-'));
  cpSync(root, saved, { recursive: true });
  const fresh = await steps(root);

  rmSync(root, { recursive: true });
  cpSync(saved, root, { recursive: true });
  const oldIds = toOldLayout(root);
  assert.equal(oldIds.length, 2);
  // A damaged old folder is set aside, not restorable, and stops nothing.
  mkdirSync(join(root, DLAN, 'snapshots', '20000101T000000000Z'));
  const before = routerFiles(root);
  await backend.plan(twoRouterState('ra', keys, { vni: 300 }), ctx(root));
  assert.deepEqual(routerFiles(root), before, 'plan writes nothing, migration included');

  const migrated = await steps(root, async () => {
    assert.ok(!existsSync(join(root, DLAN, 'linux-ledger.json')), 'the old ledger is gone');
    assert.equal(JSON.parse(readFileSync(join(root, DLAN, 'ledger.json'), 'utf8')).version, 2);
    const ids = await backend.snapshots(ctx(root));
    assert.deepEqual(readdirSync(join(root, DLAN, 'snapshots')).filter((n) => !n.endsWith('.json')), ['20000101T000000000Z.damaged']);
    assert.deepEqual(ids.slice(0, 2), oldIds.map((id) => `${id.slice(0, 15)}Z-${id.slice(15, 18)}`), 'old ids: the milliseconds become the first part');
    // Migrated and new snapshot ids sort by time.
    const times = ids.map((id) => Date.parse((JSON.parse(readFileSync(join(root, DLAN, 'snapshots', `${id}.json`), 'utf8')) as { createdAt: string }).createdAt));
    assert.equal(ids.length, 3);
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
    // The agent's rollback may still name a snapshot by its old id.
    assert.equal((await backend.restore(ctx(root), oldIds[1])).snapshot, ids[1]);
  });
  assert.deepEqual(migrated[0], fresh[0], 'restore: the same router');
  assert.deepEqual(migrated[1], fresh[1], 'apply: the same router, byte for byte');
  assert.deepEqual(migrated[2], fresh[2], 'uninstall: the same router');
  assert.equal(readFileSync(join(root, 'etc', 'bird', 'bird.conf'), 'utf8'), "# the user's bird\n");
  assert.ok(!existsSync(join(root, DLAN, 'ledger.json')));
});
