// Room on flash for an apply. An apply that runs out of space half way used to leave UCI committed
// without its ledger (issue #12): so the bytes it needs are estimated from its plan, before
// anything is written, and compared with what the file system holding /etc/dlan has free; short
// is a clear refusal that changes nothing. So is a folder it writes on a read-only mount.
// How the estimate counts (an over-estimate on purpose: refusing an apply that would have fit
// costs a retry, running out half way costs a repair):
//  - file systems allocate whole blocks (tmpfs, ext4, ubifs pages; jffs2 nodes): a file counts as
//    its size rounded up to 4 KB;
//  - files kept after the apply (the snapshot, originals saved on first touch) count whole;
//  - a rewritten file counts its growth, and the largest one once more: a write is atomic (a temp
//    copy renamed over the old file), so while it is written both exist; writes run one at a time;
//  - then a quarter more, at least 8 KB (what the estimate does not see: uci's own temp file
//    format, file system metadata), and 16 KB for dlan's own files around the apply.
import type { Host } from '../../host/host.ts';

export const BLOCK = 4096;
/**
 * What dlan writes around an apply besides the apply itself: the intent naming the snapshot, and
 * the GitOps cycle's pending confirmation (kept until confirmed) and one atomic rewrite at a time
 * of state.json or applied-state.json (a temp copy beside the old file).
 */
const AGENT_BYTES = 4 * BLOCK;

/** A file an apply rewrites: its size now and after (`null`: absent). */
export interface SizeChange {
  before: number | null;
  after: number | null;
}

const onFlash = (n: number | null): number => (n === null ? 0 : Math.ceil(n / BLOCK) * BLOCK);

export function estimateApplyBytes(p: { kept: number[]; rewritten: SizeChange[] }): number {
  let bytes = 0;
  let largest = 0;
  for (const n of p.kept) bytes += onFlash(n);
  for (const w of p.rewritten) {
    bytes += Math.max(0, onFlash(w.after) - onFlash(w.before));
    largest = Math.max(largest, onFlash(w.after));
  }
  bytes += largest;
  return bytes + Math.max(2 * BLOCK, Math.ceil(bytes / 4 / BLOCK) * BLOCK) + AGENT_BYTES;
}

/** Bytes a snapshot of these contents takes: JSON strings (escapes included), plus a little per file. */
export function snapshotBytes(contents: (string | null)[]): number {
  return contents.reduce((n, c) => n + (c === null ? 4 : JSON.stringify(c).length) + 64, 256);
}

export class NoSpaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoSpaceError';
  }
}

const kb = (n: number) => `${Math.ceil(n / 1024)} KB`;

/**
 * Throws NoSpaceError (naming the folder, the need and what is free) when the file system of
 * `dir` has less than `bytes` free. A host that cannot tell (no `df`) does not refuse. The folder
 * may not exist yet (a first apply): its nearest existing parent is on the same file system.
 */
export async function requireSpace(host: Host, dir: string, bytes: number): Promise<void> {
  while ((await host.files.stat(dir)) === null && dir.lastIndexOf('/') > 0) dir = dir.slice(0, dir.lastIndexOf('/'));
  const free = await host.files.freeBytes(dir);
  if (free !== null && free < bytes) {
    throw new NoSpaceError(`not enough free space in ${dir}: this apply needs about ${kb(bytes)}, ${kb(free)} free; nothing was changed (free some space and try again)`);
  }
}

/**
 * The first of `dirs` (absolute) on a file system mounted read-only, as a router's overlay is after
 * flash errors: the mount with the longest mount point above it in /proc/self/mounts (the last
 * one of equal length is on top). `null` when none is, or when the table cannot be read.
 */
export async function readOnlyDir(host: Host, dirs: string[]): Promise<string | null> {
  const table = await host.files.read('/proc/self/mounts').catch(() => null);
  const mounts = (table ?? '').split('\n').map((l) => l.split(' ')).filter((f) => f.length > 3).map((f) => ({ at: f[1]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))), ro: f[3]!.split(',').includes('ro') }));
  for (const dir of dirs) {
    let on: (typeof mounts)[number] | null = null;
    for (const m of mounts) if ((dir === m.at || dir.startsWith(m.at.endsWith('/') ? m.at : `${m.at}/`)) && m.at.length >= (on?.at.length ?? 0)) on = m;
    if (on?.ro) return dir;
  }
  return null;
}

/** Refuses an apply before it writes anything when a folder it writes is read-only (EROFS would come half way, and `uci commit` says only "I/O error"). */
export async function requireWritable(host: Host, dirs: string[]): Promise<void> {
  const dir = await readOnlyDir(host, dirs);
  if (dir) throw new Error(`cannot write ${dir}: read-only file system; nothing was changed (remount it read-write and try again)`);
}

/** Snapshots kept: at most this many, */
export const SNAPSHOTS_KEPT = 10;
/** and at most this many bytes together (the newest is kept whatever its size: it is the rollback's). */
export const SNAPSHOT_BYTES = 256 * 1024;

/**
 * The existing snapshots (oldest first, with their sizes) to remove before one of `incoming`
 * bytes is written, so that the folder stays within SNAPSHOTS_KEPT and SNAPSHOT_BYTES counting the
 * new one, and the space is free before the new one needs it.
 */
export function snapshotsToPrune(existing: { id: string; bytes: number }[], incoming: number): string[] {
  let count = 1;
  let bytes = onFlash(incoming);
  let keepFrom = existing.length;
  for (let i = existing.length - 1; i >= 0; i--) {
    if (count + 1 > SNAPSHOTS_KEPT || bytes + onFlash(existing[i]!.bytes) > SNAPSHOT_BYTES) break;
    count++;
    bytes += onFlash(existing[i]!.bytes);
    keepFrom = i;
  }
  return existing.slice(0, keepFrom).map((s) => s.id);
}
