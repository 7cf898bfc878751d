// Issue #12 item 1 on Debian: the Linux backend on a root whose /etc is a real small tmpfs, at one
// level (a ballast leaves 8 free pages: less than a first apply needs). The apply is refused
// before anything is written, with a message naming the folder, the need and what is free; the
// tree is as it was, no temp file, no intent; once space is freed the same apply goes through and
// uninstall removes what it wrote. Files only (interfaces unmanaged): the netns tests cover those.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { BackendContext } from '../../agent/backend/backend.ts';
import { planAndApply } from '../../agent/backend/backend.ts';
import { createLinuxBackend } from '../../agent/backend/linux/linux-backend.ts';
import { createNodeHost } from '../../agent/host/node-host.ts';
import { TEST_KEYS, tempDir } from '../backend-openwrt/support/openwrt-root.ts';
import { twoRouterState } from './linux-test-support.ts';

const mounts: string[] = [];
after(() => {
  for (const m of mounts) spawnSync('umount', ['-l', m]);
});

function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

test('Linux: a first apply on a nearly full /etc is refused before it writes, then applies once space is freed', async () => {
  const root = tempDir('linux-flash');
  const etc = join(root, 'etc');
  mkdirSync(etc);
  assert.equal(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', etc]).status, 0);
  mounts.push(etc);
  mkdirSync(join(etc, 'dnsmasq.d'));
  writeFileSync(join(etc, 'hostname'), 'ra\n');
  const s = statfsSync(etc);
  const ballast = join(etc, 'ballast');
  writeFileSync(ballast, Buffer.alloc(s.bavail * s.bsize - 8 * 4096));
  const before = tree(etc);
  const backend = createLinuxBackend({ manageInterfaces: false });
  const ctx: BackendContext = { host: createNodeHost({ log: { log() {} } }), root, reload: false };
  const state = twoRouterState('ra', { ra: TEST_KEYS.r1!.publicKey, rb: TEST_KEYS.r2!.publicKey });

  await assert.rejects(planAndApply(backend, state, ctx), /not enough free space in \S*\/etc(\/dlan)?: this apply needs about \d+ KB, 32 KB free/);
  assert.deepEqual(tree(etc), before, 'nothing written: no snapshot, no file, no temp file, no intent');

  rmSync(ballast);
  const applied = await planAndApply(backend, state, ctx);
  assert.ok(applied.snapshot !== null && applied.changes.length > 0);
  assert.ok(!readdirSync(join(etc, 'dlan')).includes('apply-intent.json'), 'the intent is gone once the ledger is written');
  await backend.uninstall(ctx);
  const left = [...tree(etc).keys()].filter((p) => !p.startsWith('dlan/snapshots/'));
  assert.deepEqual(left, ['hostname'], 'uninstall removed every file the apply wrote');
});
