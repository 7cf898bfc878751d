// Room on flash (agent/backend/common/flash-space.ts): the estimate counts whole blocks, growth,
// one temp copy and a margin; the check refuses on a real small tmpfs with a message naming the
// folder, the need and what is free; snapshot pruning keeps both bounds and the newest.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BLOCK, estimateApplyBytes, NoSpaceError, readOnlyDir, requireSpace, requireWritable, SNAPSHOT_BYTES, SNAPSHOTS_KEPT, snapshotBytes, snapshotsToPrune } from '../../agent/backend/common/flash-space.ts';
import { createNodeHost } from '../../agent/host/node-host.ts';
import { tempDir } from '../backend-openwrt/support/openwrt-root.ts';
import { makeReadOnly } from '../support/read-only-mount.ts';
import type { Host } from '../../agent/host/host.ts';

const mounts: string[] = [];
after(() => {
  for (const m of mounts) spawnSync('umount', [m]);
});

test('the estimate: whole blocks kept, growth of rewritten files, the largest temp copy once, a quarter more (at least 8 KB), 16 KB for the agent\'s own files', () => {
  const AGENT = 4 * BLOCK; // the intent, pending.json, one state.json rewrite
  assert.equal(estimateApplyBytes({ kept: [], rewritten: [] }), 2 * BLOCK + AGENT, 'the margin alone');
  // A 10-byte snapshot is one block; a file growing from 1 to 5 KB grows by one block and its temp copy is 2.
  assert.equal(estimateApplyBytes({ kept: [10], rewritten: [{ before: 1024, after: 5 * 1024 }] }), BLOCK + BLOCK + 2 * BLOCK + 2 * BLOCK + AGENT);
  // A file that shrinks or goes away frees nothing in the estimate; its temp copy still counts.
  assert.equal(estimateApplyBytes({ kept: [], rewritten: [{ before: 40 * BLOCK, after: 39 * BLOCK }, { before: BLOCK, after: null }] }), 39 * BLOCK + 10 * BLOCK + AGENT);
});

test('a snapshot estimate covers its JSON (escaped tabs and newlines)', () => {
  const content = 'config interface\t"lan"\n'.repeat(100);
  const real = JSON.stringify({ id: 'x', backend: 'openwrt', createdMs: 1, reason: 'apply solo', files: [{ path: '/etc/config/network', content, mode: 384 }, { path: '/etc/bird.conf', content: null, mode: null }] }, null, 1).length;
  assert.ok(snapshotBytes([content, null]) >= real, `${snapshotBytes([content, null])} < ${real}`);
});

test('requireSpace refuses on a real small tmpfs, naming the folder, the need and what is free; a missing folder asks its parent', async () => {
  const dir = tempDir('space');
  assert.equal(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]).status, 0);
  mounts.push(dir);
  mkdirSync(join(dir, 'etc/dlan'), { recursive: true });
  writeFileSync(join(dir, 'ballast'), Buffer.alloc(40 * 1024));
  const host = createNodeHost();
  await requireSpace(host, `${dir}/etc/dlan`, 20 * 1024);
  await assert.rejects(requireSpace(host, `${dir}/etc/dlan`, 28 * 1024), (e: Error) => {
    assert.ok(e instanceof NoSpaceError);
    assert.equal(e.message.split(';')[0], `not enough free space in ${dir}/etc/dlan: this apply needs about 28 KB, 24 KB free`);
    return true;
  });
  await assert.rejects(requireSpace(host, `${dir}/etc/dlan/snapshots/new`, 64 * 1024), new RegExp(`in ${dir}/etc/dlan: `));
});

test('requireWritable refuses a folder on a read-only mount (a real bind mount), naming it; below it a writable mount, or a folder not made yet, is judged by its own mount', async () => {
  const dir = tempDir('ro');
  mkdirSync(join(dir, 'etc/dlan'), { recursive: true });
  mkdirSync(join(dir, 'etc/config'));
  const ro = makeReadOnly(join(dir, 'etc'), [join(dir, 'etc/dlan')]);
  const host = createNodeHost();
  assert.equal(await readOnlyDir(host, [`${dir}/etc/dlan`, `${dir}/etc/dlan/snapshots`, dir]), null);
  assert.equal(await readOnlyDir(host, [`${dir}/etc/dlan`, `${dir}/etc/config`]), `${dir}/etc/config`);
  assert.equal(await readOnlyDir(host, [`${dir}/etc/bird`]), `${dir}/etc/bird`, 'a folder not made yet, on the read-only mount');
  await assert.rejects(requireWritable(host, [`${dir}/etc/config`]), { message: `cannot write ${dir}/etc/config: read-only file system; nothing was changed (remount it read-write and try again)` });
  ro.writable();
  await requireWritable(host, [`${dir}/etc/config`, `${dir}/etc/dlan`]);
});

test('readOnlyDir reads the mount table as the kernel escapes it, the last of two mounts at one point on top; without a table nothing is refused', async () => {
  const withTable = (table: string | null): Host => ({ files: { read: async (p: string) => (p === '/proc/self/mounts' ? table : null) } }) as unknown as Host;
  const table = ['/dev/root / squashfs ro,relatime 0 0', 'overlayfs:/overlay / overlay rw,noatime 0 0', 'tmpfs /tmp tmpfs rw 0 0', '/dev/sda1 /mnt/my\\040disk ext4 ro 0 0', '/dev/sda2 /mnt/my\\040disk/rw ext4 rw 0 0', ''].join('\n');
  assert.equal(await readOnlyDir(withTable(table), ['/etc/dlan', '/tmp/dlan-uci', '/mnt/my disk/rw/x']), null, 'the overlay on top of the read-only squashfs is what / is');
  assert.equal(await readOnlyDir(withTable(table), ['/mnt/my disk/etc']), '/mnt/my disk/etc');
  assert.equal(await readOnlyDir(withTable(table), ['/mnt/my diskette']), null, 'a mount point is a whole path component');
  assert.equal(await readOnlyDir(withTable(null), ['/etc/dlan']), null);
});

test('pruning keeps at most SNAPSHOTS_KEPT and SNAPSHOT_BYTES counting the new one, oldest first, the new one always', () => {
  const small = Array.from({ length: 12 }, (_, i) => ({ id: `s${String(i).padStart(2, '0')}`, bytes: 1000 }));
  assert.deepEqual(snapshotsToPrune(small, 1000), ['s00', 's01', 's02'], 'by count: 9 old + the new one');
  const big = Array.from({ length: 4 }, (_, i) => ({ id: `b${i}`, bytes: 120 * 1024 }));
  assert.deepEqual(snapshotsToPrune(big, 50 * 1024), ['b0', 'b1', 'b2'], 'by bytes: 120 KB + the new 52 KB fit in 256 KB, a second 120 KB does not');
  assert.deepEqual(snapshotsToPrune(big, SNAPSHOT_BYTES * 2), ['b0', 'b1', 'b2', 'b3'], 'a new snapshot over the bound alone is still kept');
  assert.deepEqual(snapshotsToPrune([], 10), []);
  assert.equal(SNAPSHOTS_KEPT, 10);
});
