// One sync at a time per router (cron, the daemon, a manual run, the confirm of a previous run).
// The lock is a symlink whose target names the holder (`pid:starttime:token`): creating a symlink
// is atomic and fails when it exists, and the holder is readable in the same object, so there is
// never a lock without an owner. `ln` and `readlink` run as programs because the Host has no
// exclusive create; both exist in busybox. A lock whose holder is gone (killed, crashed, rebooted)
// is stale and taken over.
import type { Host } from '../../host/host.ts';
import { formatIdentity, isRunning, parseIdentity, selfIdentity, type ProcessIdentity } from '../process-identity.ts';

export interface HeldLock {
  path: string;
  owner: string;
  release(): Promise<void>;
}

export type LockResult = { ok: true; lock: HeldLock } | { ok: false; holder: ProcessIdentity | null };

async function readOwner(host: Host, path: string): Promise<string | null> {
  const r = await host.exec('readlink', ['--', path], { timeoutMs: 5000 });
  return r.code === 0 ? r.stdout.trim() : null;
}

async function tryCreate(host: Host, path: string, owner: string): Promise<boolean> {
  const r = await host.exec('ln', ['-s', '--', owner, path], { timeoutMs: 5000 });
  return r.code === 0;
}

function randomToken(): string {
  return Math.random().toString(36).slice(2, 10);
}

/**
 * Takes the lock, waiting up to `waitMs` for a live holder. Stale locks are removed only when
 * they still name the same dead holder that was checked, which keeps two recovering processes
 * from removing each other's fresh lock.
 */
export async function acquireLock(host: Host, path: string, opts: { waitMs: number; pollMs?: number }): Promise<LockResult> {
  const me = await selfIdentity(host);
  const owner = `${formatIdentity(me)}:${randomToken()}`;
  const deadline = host.now() + opts.waitMs;
  await host.files.mkdirp(path.slice(0, path.lastIndexOf('/')));
  for (;;) {
    if (await tryCreate(host, path, owner)) {
      return {
        ok: true,
        lock: {
          path,
          owner,
          async release() {
            if ((await readOwner(host, path)) === owner) await host.files.remove(path);
          },
        },
      };
    }
    const current = await readOwner(host, path);
    if (current === null) continue; // released between our two calls: try again
    const holder = parseIdentity(current);
    if (!holder || !(await isRunning(host, holder))) {
      if ((await readOwner(host, path)) === current) await host.files.remove(path);
      host.log.log('warn', 'sync lock: removed a stale lock', { holder: current.split(':')[0] ?? '?' });
      continue;
    }
    if (host.now() >= deadline) return { ok: false, holder };
    await host.sleep(Math.min(opts.pollMs ?? 250, Math.max(1, deadline - host.now())));
  }
}
