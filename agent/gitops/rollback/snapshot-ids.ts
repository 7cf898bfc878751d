// Which backend snapshots exist. Both backends keep them in `<root>/etc/dlan/snapshots/`, one
// entry per snapshot named by its id (`<id>.json` on OpenWrt, `<id>/` on Linux), ids sorting by
// time. The agent lists them before an apply so that, when it is killed inside the apply (before
// it learns the new snapshot's id), the rollback can still tell the apply's snapshot from older
// ones, and knows nothing was written when there is none.
// (A `Backend.snapshots()` method would remove this convention; asked for in the report.)
import type { Host } from '../../host/host.ts';
import { joinRoot } from '../../settings/settings-file.ts';

export async function listSnapshotIds(host: Host, root: string): Promise<string[]> {
  const names = (await host.files.list(joinRoot(root, '/etc/dlan/snapshots'))) ?? [];
  return names
    .filter((n) => !n.startsWith('.'))
    .map((n) => n.replace(/\.json$/, ''))
    .sort();
}

/** The newest snapshot taken since `before`; `null` when none was. */
export function newestSince(before: readonly string[], now: readonly string[]): string | null {
  const seen = new Set(before);
  const fresh = now.filter((id) => !seen.has(id)).sort();
  return fresh[fresh.length - 1] ?? null;
}
