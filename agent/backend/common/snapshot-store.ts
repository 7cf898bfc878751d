// Snapshots of the files an apply, restore or uninstall is about to touch, taken before it writes,
// so that `restore` (and the agent's automatic rollback) puts them back byte for byte and deletes
// those that did not exist. Both backends, one format, `<root>/etc/dlan/snapshots/<id>.json`:
//   { id, createdAt, reason, files: [{ path, content (null: it did not exist), mode }] }
// It is the OpenWrt backend's format, kept (the Linux backend's `<id>/manifest.json` + `files/`
// folders are migrated, linux-ledger-format.ts): a snapshot is one atomic, durable write (a folder
// of N files cost N+1, and QuickJS runs a global `sync` after each), so it is whole or absent, never
// a folder without its manifest; pruning is one remove; and the snapshots already on OpenWrt
// routers' flash stay as they are. The price is holding one in memory: config files, small.
// Ids are UTC time to the second, `YYYYMMDDTHHMMSSZ`, then `-NNN` parts for later ones in the same
// second: they sort by time as plain strings (the rollback relies on it, snapshot-ids.ts).
// 0600: /etc/config/network carries the WireGuard key.
import * as DLAN_PATHS from '../../base/dlan-paths.ts';
import { underRoot } from '../../base/dlan-paths.ts';
import type { Host } from '../../host/host.ts';
import { parseLedger, type Ledger, type LedgerFormat } from './dlan-ledger.ts';
import { snapshotsToPrune } from './flash-space.ts';

export interface SnapshotFile {
  /** Path on the router (below `--root`). */
  path: string;
  /** `null`: the file did not exist. */
  content: string | null;
  mode: number | null;
}

export interface Snapshot {
  id: string;
  createdAt: string;
  reason: string;
  files: SnapshotFile[];
}

export const SNAPSHOT_ID = /^\d{8}T\d{6}Z(-\d{3})*$/;

export const snapshotDir = (root: string) => underRoot(root, DLAN_PATHS.snapshots);

/** A new id, after every id `taken` (sorted) of the same second. */
export function snapshotId(ms: number, taken: readonly string[]): string {
  const base = new Date(ms).toISOString().replace(/[-:]|\.\d+/g, '');
  const last = taken[taken.length - 1] ?? '';
  let id = base;
  for (let n = 2; taken.includes(id) || (last.startsWith(base) && id <= last); n++) id = `${base}-${String(n).padStart(3, '0')}`;
  return id;
}

export function serializeSnapshot(s: Snapshot): string {
  return `${JSON.stringify(s, null, 1)}\n`;
}

/** Snapshot ids, oldest first (Linux's old folders and `.damaged` ones are not `.json`). */
export async function listSnapshots(host: Host, root: string): Promise<string[]> {
  return ((await host.files.list(snapshotDir(root))) ?? [])
    .filter((n) => n.endsWith('.json'))
    .map((n) => n.slice(0, -5))
    .sort();
}

/** Saves `paths` (router paths) into a new snapshot, within the bounds of flash-space.ts (newest kept); returns it. */
export async function takeSnapshot(host: Host, root: string, opts: { paths: string[]; reason: string }): Promise<Snapshot> {
  const dir = snapshotDir(root);
  await host.files.mkdirp(dir, 0o700);
  const existing = await listSnapshots(host, root);
  const id = snapshotId(host.now(), existing);
  const files: SnapshotFile[] = [];
  for (const path of [...new Set(opts.paths)].sort()) {
    const content = await host.files.read(underRoot(root, path));
    const st = content === null ? null : await host.files.stat(underRoot(root, path));
    files.push({ path, content, mode: st?.mode ?? null });
  }
  const snap: Snapshot = { id, createdAt: new Date(host.now()).toISOString(), reason: opts.reason, files };
  const text = serializeSnapshot(snap);
  // Pruned first (count and bytes, flash-space.ts): the space is free before the new one needs it.
  const sized = await Promise.all(existing.map(async (s) => ({ id: s, bytes: (await host.files.stat(`${dir}/${s}.json`))?.size ?? 0 })));
  for (const old of snapshotsToPrune(sized, text.length)) await host.files.remove(`${dir}/${old}.json`);
  await host.files.write(`${dir}/${id}.json`, text, { mode: 0o600 });
  return snap;
}

/** Snapshot `id` (the newest when omitted); a clear error naming the folder or file otherwise. */
export async function readSnapshot(host: Host, root: string, id?: string): Promise<Snapshot> {
  const dir = snapshotDir(root);
  const ids = await listSnapshots(host, root);
  const chosen = id ?? ids[ids.length - 1];
  if (!ids.includes(chosen!)) throw new Error(`no snapshot ${chosen ?? ''} in ${dir} (have: ${ids.join(', ') || 'none'}): nothing restored`);
  const file = `${dir}/${chosen}.json`;
  let s: Snapshot | null = null;
  try {
    s = JSON.parse((await host.files.read(file)) ?? '') as Snapshot;
  } catch {}
  if (!Array.isArray(s?.files)) throw new Error(`${file} is damaged: nothing restored`);
  return s!;
}

/** Puts every file of the snapshot back below `root`; returns what changed, with what was there. */
export async function restoreSnapshotFiles(host: Host, root: string, snap: Snapshot): Promise<{ path: string; op: 'add' | 'change' | 'delete'; before: string | null }[]> {
  const changed: { path: string; op: 'add' | 'change' | 'delete'; before: string | null }[] = [];
  const now = new Map<string, string | null>();
  for (const f of snap.files) now.set(f.path, await host.files.read(underRoot(root, f.path)));
  // Never more flash than it frees, one file at a time: removals first, then the files that shrink
  // the most (each write holds one temp copy beside the file it replaces).
  const grows = (f: SnapshotFile) => (f.content === null ? -Infinity : f.content.length - (now.get(f.path)?.length ?? 0));
  for (const f of [...snap.files].sort((a, b) => grows(a) - grows(b))) {
    const full = underRoot(root, f.path);
    const before = now.get(f.path)!;
    if (before === f.content) continue;
    const mode = f.mode === null ? {} : { mode: f.mode };
    if (f.content === null) await host.files.remove(full);
    else
      await host.files.write(full, f.content, mode).catch(async (e: unknown) => {
        // No room for the temp copy (ENOSPC, errno 28): the file goes first, then its content is
        // written. Not atomic, but the snapshot still holds it (and an interrupted apply's intent
        // names the snapshot), so a death in between is undone by restoring again.
        if (!/ENOSPC|errno 28/.test(String(e))) throw e;
        await host.files.remove(full);
        await host.files.write(full, f.content!, mode);
      });
    changed.push({ path: f.path, op: f.content === null ? 'delete' : before === null ? 'add' : 'change', before });
  }
  // Whatever apply was under way, the router is as this snapshot had it (apply-intent.ts).
  await host.files.remove(underRoot(root, DLAN_PATHS.applyIntent));
  return changed;
}

/**
 * What dlan owned when `snap` was taken (the ledger it holds; none before the first apply) and
 * the files it owned then whose bytes differ from the snapshot now. Shared files (OpenWrt's UCI
 * packages) are not among the ledger's files: the backend compares what it owns in them itself.
 */
export async function ownedDrift<Own>(host: Host, root: string, snap: Snapshot, f: LedgerFormat<Own>): Promise<{ ledger: Ledger<Own>; files: SnapshotFile[] }> {
  const ledger = parseLedger(snap.files.find((x) => x.path === DLAN_PATHS.ledger)?.content ?? null, `snapshot ${snap.id}`, f);
  const files: SnapshotFile[] = [];
  for (const x of snap.files) if (ledger.files[x.path] && (await host.files.read(underRoot(root, x.path))) !== x.content) files.push(x);
  return { ledger, files };
}
