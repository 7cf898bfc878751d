// Which snapshot an interrupted apply took. The agent lists the backend's snapshots
// (`Backend.snapshots()`, ids sorting by time) before an apply so that, when it is killed inside
// the apply (before it learns the new snapshot's id), the rollback can still tell the apply's
// snapshot from older ones, and knows nothing was written when there is none.

/** The newest snapshot taken since `before`; `null` when none was. */
export function newestSince(before: readonly string[], now: readonly string[]): string | null {
  const seen = new Set(before);
  const fresh = now.filter((id) => !seen.has(id)).sort();
  return fresh[fresh.length - 1] ?? null;
}
