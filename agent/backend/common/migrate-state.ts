// Brings dlan's own state from a backend's layout before the one engine (issue #14, the backend's
// OldLayout) to the current one, on the first apply, restore, uninstall or snapshot listing after
// an upgrade:
//   ledger     OpenWrt's version 1 ledger.json and Linux's linux-ledger.json become version 2
//   originals  OpenWrt's /etc/dlan/original/ moves to /etc/dlan/originals/
//   snapshots  the backend's own step: Linux's folders become `<id>.json` (OpenWrt's already are)
// Idempotent and crash-safe: each piece is written in its new place before the old one is removed;
// rerun after a crash in between, it writes the same bytes again. A ledger it cannot read is the
// ledger's refusal (dlan-ledger.ts), nothing guessed. Plan reads the old layout as it is (the
// ledger through dlan-ledger.ts, originals through readOriginal) and writes nothing.
import * as DLAN_PATHS from '../../base/dlan-paths.ts';
import { underRoot } from '../../base/dlan-paths.ts';
import type { Host } from '../../host/host.ts';
import { readLedger, writeLedger, type LedgerFormat } from './dlan-ledger.ts';
import { readRecorded, type Reads } from './prepared-change.ts';

/** Migrates everything of the backend's old layout below `root` (nothing to: a few reads). */
export async function migrateState<Own>(host: Host, root: string, f: LedgerFormat<Own>): Promise<void> {
  await f.old.migrateSnapshots?.(host, root);
  const old = f.old.originals && underRoot(root, f.old.originals);
  if (old && (await host.files.stat(old)) !== null) {
    // Copied, then removed: rerun after a crash in between, it copies the same files again.
    const dest = underRoot(root, DLAN_PATHS.originals);
    await host.files.mkdirp(dest, 0o700);
    const cp = await host.exec('cp', ['-a', `${old}/.`, dest]);
    if (cp.code !== 0) throw new Error(`cannot move ${old} to ${dest}: ${cp.stderr.trim()}`);
    await host.exec('rm', ['-rf', old]);
  }
  const { ledger, text } = await readLedger(host, root, f);
  // Rewritten when its bytes are not the current format's (writeLedger compares).
  if (text !== null) await writeLedger(host, root, ledger);
  const oldLedger = f.old.ledgerFile && underRoot(root, f.old.ledgerFile);
  if (oldLedger && (await host.files.stat(oldLedger)) !== null) await host.files.remove(oldLedger);
}

/** The saved original of `path`, in the old originals folder while not migrated (plan). */
export async function readOriginal<Own>(host: Host, reads: Reads, root: string, path: string, f: LedgerFormat<Own>): Promise<string | null> {
  const now = await readRecorded(host, reads, underRoot(root, `${DLAN_PATHS.originals}${path}`));
  return now ?? (f.old.originals ? readRecorded(host, reads, underRoot(root, `${f.old.originals}${path}`)) : null);
}
