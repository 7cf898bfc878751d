// Snapshots of the files a backend is about to touch, so that `restore` can put them back byte for
// byte (and delete those that did not exist). Layout, below a snapshots folder:
//   <id>/manifest.json   { id, backend, createdMs, files: [{ path, existed, mode }] }
//   <id>/files/<path>    the saved content of each file that existed
// Shared by the backends: what a file snapshot is does not depend on UCI or Linux.
import type { Host } from '../../host/host.ts';

export interface SnapshotFile {
  /** Absolute path as on the router (without the --root prefix). */
  path: string;
  existed: boolean;
  mode: number | null;
}

export interface SnapshotManifest {
  id: string;
  backend: string;
  createdMs: number;
  files: SnapshotFile[];
}

/** How many snapshots are kept: older ones are removed when a new one is taken. */
export const KEEP_SNAPSHOTS = 10;

function rooted(root: string, path: string): string {
  return root === '/' || root === '' ? path : `${root.replace(/\/+$/, '')}${path}`;
}

function snapshotId(ms: number, taken: string[]): string {
  const base = new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.(\d+)Z$/, '$1Z');
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
  return id;
}

async function removeTree(host: Host, dir: string): Promise<void> {
  const names = await host.files.list(dir);
  if (names === null) {
    await host.files.remove(dir);
    return;
  }
  for (const name of names) {
    const p = `${dir}/${name}`;
    const st = await host.files.stat(p);
    if (st?.isDirectory) await removeTree(host, p);
    else await host.files.remove(p);
  }
  // Host.files.remove is `rm -f` semantics on a file; an empty folder is removed through exec.
  await host.exec('rmdir', [dir]);
}

/** Saves `paths` (router paths) from below `root` into a new snapshot; returns its id. */
export async function takeSnapshot(host: Host, opts: { root: string; dir: string; backend: string; paths: string[] }): Promise<string> {
  const existing = (await host.files.list(opts.dir)) ?? [];
  const id = snapshotId(host.now(), existing);
  const base = `${opts.dir}/${id}`;
  const files: SnapshotFile[] = [];
  for (const path of [...new Set(opts.paths)].sort()) {
    const full = rooted(opts.root, path);
    const content = await host.files.read(full);
    const st = content === null ? null : await host.files.stat(full);
    if (content !== null) await host.files.write(`${base}/files${path}`, content, { mode: 0o600 });
    files.push({ path, existed: content !== null, mode: st?.mode ?? null });
  }
  const manifest: SnapshotManifest = { id, backend: opts.backend, createdMs: host.now(), files };
  await host.files.write(`${base}/manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  const all = [...existing, id].sort();
  for (const old of all.slice(0, Math.max(0, all.length - KEEP_SNAPSHOTS))) await removeTree(host, `${opts.dir}/${old}`);
  return id;
}

/** Snapshot ids, oldest first. */
export async function listSnapshotIds(host: Host, dir: string): Promise<string[]> {
  return ((await host.files.list(dir)) ?? []).filter((n) => !n.startsWith('.')).sort();
}

/** The manifest of snapshot `id`, or of the latest one; null when there is none. */
export async function readSnapshot(host: Host, dir: string, id?: string): Promise<SnapshotManifest | null> {
  const names = ((await host.files.list(dir)) ?? []).filter((n) => !n.startsWith('.'));
  const pick = id ?? names[names.length - 1];
  if (pick === undefined || !names.includes(pick)) return null;
  const text = await host.files.read(`${dir}/${pick}/manifest.json`);
  return text === null ? null : (JSON.parse(text) as SnapshotManifest);
}

/** The content a snapshot holds for `path` (null: the file did not exist then). */
export async function snapshotContent(host: Host, dir: string, m: SnapshotManifest, path: string): Promise<string | null> {
  const f = m.files.find((x) => x.path === path);
  if (!f || !f.existed) return null;
  return host.files.read(`${dir}/${m.id}/files${path}`);
}

/** Puts every file of the snapshot back below `root`; returns the paths whose content changed. */
export async function restoreSnapshotFiles(host: Host, opts: { root: string; dir: string; manifest: SnapshotManifest }): Promise<string[]> {
  const changed: string[] = [];
  for (const f of opts.manifest.files) {
    const full = rooted(opts.root, f.path);
    const now = await host.files.read(full);
    const then = await snapshotContent(host, opts.dir, opts.manifest, f.path);
    if (now === then) continue;
    if (then === null) await host.files.remove(full);
    else await host.files.write(full, then, f.mode !== null ? { mode: f.mode } : {});
    changed.push(f.path);
  }
  return changed;
}
