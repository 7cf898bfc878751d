// Snapshots of every file an apply may touch, taken before it writes anything, so that `restore`
// (and the GitOps agent's automatic rollback) can put the router back exactly as it was.
// One JSON file per snapshot under `<root>/etc/dlan/snapshots/` (0600: it holds the WireGuard key
// that /etc/config/network carries). The newest few are kept.
import type { Host } from '../../host/host.ts';
import type { StatePaths } from './ledger.ts';

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

export const SNAPSHOTS_KEPT = 10;

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export async function takeSnapshot(host: Host, paths: StatePaths, routerPaths: string[], reason: string): Promise<Snapshot> {
  await host.files.mkdirp(paths.snapshots, 0o700);
  const existing = (await host.files.list(paths.snapshots)) ?? [];
  const base = stamp(host.now());
  let id = base;
  // Zero-padded so that ids sort by time, then sequence, as plain strings.
  for (let i = 2; existing.includes(`${id}.json`); i++) id = `${base}-${String(i).padStart(3, '0')}`;
  const files: SnapshotFile[] = [];
  for (const path of [...new Set(routerPaths)].sort()) {
    const full = `${paths.root}${path}`;
    const content = await host.files.read(full);
    const st = content === null ? null : await host.files.stat(full);
    files.push({ path, content, mode: st?.mode ?? null });
  }
  const snap: Snapshot = { id, createdAt: new Date(host.now()).toISOString(), reason, files };
  await host.files.write(`${paths.snapshots}/${id}.json`, `${JSON.stringify(snap, null, 1)}\n`, { mode: 0o600 });
  const all = await listSnapshots(host, paths);
  for (const old of all.slice(0, Math.max(0, all.length - SNAPSHOTS_KEPT))) await host.files.remove(`${paths.snapshots}/${old}.json`);
  return snap;
}

export async function listSnapshots(host: Host, paths: StatePaths): Promise<string[]> {
  return ((await host.files.list(paths.snapshots)) ?? []).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).sort();
}

export async function readSnapshot(host: Host, paths: StatePaths, id?: string): Promise<Snapshot> {
  const ids = await listSnapshots(host, paths);
  const chosen = id ?? ids[ids.length - 1];
  if (chosen === undefined) throw new Error(`no snapshot in ${paths.snapshots}: nothing to restore`);
  if (!/^[0-9TZ-]+$/.test(chosen) || !ids.includes(chosen)) throw new Error(`no snapshot ${JSON.stringify(chosen)} in ${paths.snapshots} (have: ${ids.join(', ') || 'none'})`);
  const text = await host.files.read(`${paths.snapshots}/${chosen}.json`);
  return JSON.parse(text!) as Snapshot;
}
