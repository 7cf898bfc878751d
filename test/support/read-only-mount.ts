// Read-only folders for the fault tests (issue #12 item 7). The tests run as root, and root ignores
// file mode bits, but not a read-only MOUNT: a folder is bind-mounted onto itself and that mount
// remounted read-only (`remount,ro,bind` changes only this mount, never the file system below),
// which is what a router shows when its overlay is mounted read-only after errors: every write
// fails with EROFS. Mounting needs root; CI runs as root, so a failure to mount fails the test
// loudly instead of skipping it. Every mount is lazily unmounted when the test file ends.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';

const mounts: string[] = [];
after(() => {
  for (const m of mounts.splice(0).reverse()) spawnSync('umount', ['-l', m]);
});

function mount(args: string[]): void {
  const m = spawnSync('mount', args, { encoding: 'utf8' });
  assert.equal(m.status, 0, `mount ${args.join(' ')} failed (${m.stderr.trim() || m.error}): these tests need root, as CI has`);
}

/** Whether a write below `dir` fails with EROFS now. */
export function isReadOnly(dir: string): boolean {
  const probe = join(dir, `.ro-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EROFS') return true;
    throw e;
  }
  rmSync(probe);
  return false;
}

/** A new tmpfs at `dir` (created), as /var and /tmp are RAM on OpenWrt. */
export function mountTmpfs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  mount(['-t', 'tmpfs', 'tmpfs', dir]);
  mounts.push(dir);
}

export interface ReadOnly {
  /** Remounts the folder read-write (the bind mount stays until the file's tests end). */
  writable(): void;
}

/**
 * Makes `dir` (and everything below it that is not a mount of its own) read-only. With `keep`:
 * those folders below `dir` stay writable (bind mounts of their own, made first and carried along).
 */
export function makeReadOnly(dir: string, keep: string[] = []): ReadOnly {
  for (const k of keep) {
    mount(['--bind', k, k]);
    mounts.push(k);
  }
  mount(['--rbind', dir, dir]);
  mounts.push(dir);
  mount(['-o', 'remount,ro,bind', dir]);
  assert.ok(isReadOnly(dir), `${dir} is still writable after the read-only remount`);
  for (const k of keep) assert.ok(!isReadOnly(k), `${k} should have stayed writable`);
  return {
    writable() {
      mount(['-o', 'remount,rw,bind', dir]);
      assert.ok(!isReadOnly(dir), `${dir} is still read-only after remounting read-write`);
    },
  };
}
