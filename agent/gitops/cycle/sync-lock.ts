// One sync at a time per router (cron, the daemon, a manual run, the confirm of a previous run).
// The lock is a symlink whose target names the holder (`pid:starttime:token`): creating a symlink
// is atomic, fails when anything is at the path, and never follows it, and the holder is
// readable in the same object, so there is never a lock without an owner. A lock whose holder is
// gone (killed, crashed, rebooted) is stale and taken over. Anything else at the lock path (a
// file, a folder) is not a lock: it is an error, never a lock taken or waited on. Every way of
// not getting the lock ends by the deadline of `--wait`.
import type { Host } from '../../host/host.ts';
import { formatIdentity, isRunning, parseIdentity, selfIdentity, type ProcessIdentity } from '../process-identity.ts';
import { errorText } from './cycle-context.ts';

export interface HeldLock {
  path: string;
  owner: string;
  release(): Promise<void>;
}

/** `error`: the lock cannot work here (not a symlink at the path, read-only folder): say so, do not wait. */
export type LockResult = { ok: true; lock: HeldLock } | { ok: false; holder: ProcessIdentity | null; error?: string };

function randomToken(): string {
  return Math.random().toString(36).slice(2, 10);
}

type Try = { taken: true } | { taken: false; holder: ProcessIdentity | null; retryNow: boolean };

async function tryOnce(host: Host, path: string, owner: string): Promise<Try> {
  if (await host.files.symlink(owner, path)) return { taken: true };
  const current = await host.files.readlink(path);
  if (current === null) return { taken: false, holder: null, retryNow: true }; // released in between
  const holder = parseIdentity(current);
  if (holder && (await isRunning(host, holder))) return { taken: false, holder, retryNow: false };
  // Removed only when it still names the same dead holder that was checked, which keeps two
  // recovering processes from removing each other's fresh lock.
  if ((await host.files.readlink(path)) === current) await host.files.remove(path);
  host.log.log('warn', 'sync lock: removed a stale lock', { holder: current.split(':')[0] ?? '?' });
  return { taken: false, holder: null, retryNow: true };
}

/** Takes the lock, waiting up to `waitMs` for a live holder. */
export async function acquireLock(host: Host, path: string, opts: { waitMs: number; pollMs?: number }): Promise<LockResult> {
  const me = await selfIdentity(host);
  const owner = `${formatIdentity(me)}:${randomToken()}`;
  const deadline = host.now() + opts.waitMs;
  let quickRetries = 0;
  for (;;) {
    let t: Try;
    try {
      await host.files.mkdirp(path.slice(0, path.lastIndexOf('/')));
      t = await tryOnce(host, path, owner);
    } catch (e) {
      // Read-only (EROFS): nothing is in the way to remove; the message already says so.
      const why = errorText(e);
      return { ok: false, holder: null, error: `cannot take the sync lock ${path}: ${why}${/read-only/i.test(why) ? '' : ' (remove whatever else is there)'}` };
    }
    if (t.taken) {
      const release = async () => {
        if ((await host.files.readlink(path).catch(() => null)) === owner) await host.files.remove(path);
      };
      return { ok: true, lock: { path, owner, release } };
    }
    if (t.retryNow && quickRetries++ < 3) continue;
    if (host.now() >= deadline) return { ok: false, holder: t.holder };
    await host.sleep(Math.min(opts.pollMs ?? 250, Math.max(1, deadline - host.now())));
  }
}
