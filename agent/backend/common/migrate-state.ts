// Brings dlan's own state from a backend's layout before the one engine (issue #14, its OldLayout)
// to the current one, on the first apply, restore, uninstall or snapshot listing after an upgrade:
//   snapshots  OpenWrt's `<YYYYMMDDTHHMMSSZ>.json` and Linux's `<id>/manifest.json` + `files/`
//              become `<id>.json` (snapshot-store.ts), the ledger in them version 2 at
//              /etc/dlan/ledger.json: restoring an old snapshot gives a ledger this agent reads
//   originals  OpenWrt's /etc/dlan/original/ moves to /etc/dlan/originals/
//   ledger     OpenWrt's version 1 ledger.json and Linux's linux-ledger.json become version 2
// Idempotent and crash-safe: each piece is written in its new place before the old one is removed;
// rerun after a crash in between, it writes the same bytes again. A snapshot it cannot read is set
// aside (`<name>.damaged`) with a warning: it never stops an apply. A ledger it cannot read is the
// ledger's refusal (dlan-ledger.ts). Plan reads the old layout as it is and writes nothing.
import * as DLAN_PATHS from '../../base/dlan-paths.ts';
import { underRoot } from '../../base/dlan-paths.ts';
import type { Host } from '../../host/host.ts';
import { ledgerFile, parseLedger, readLedger, serializeLedger, writeLedger, type LedgerFormat } from './dlan-ledger.ts';
import { readRecorded, type Reads } from './prepared-change.ts';
import { serializeSnapshot, snapshotDir, type SnapshotFile } from './snapshot-store.ts';

/**
 * The current id of an old snapshot id: OpenWrt's whole seconds get `000` ms, Linux's sequence
 * three digits. Old ids keep their order and sort before every snapshot taken after them; a
 * current id is returned as it is (a pending rollback may name an old one).
 */
export function currentSnapshotId(id: string): string {
  return id.replace(/^(\d{8}T\d{6})Z/, '$1000Z').replace(/-(\d{1,2})$/, (_, n: string) => `-${n.padStart(3, '0')}`);
}

/** Removes a folder and everything below it (Host.files.remove removes files only). */
async function removeTree(host: Host, dir: string): Promise<void> {
  for (const name of (await host.files.list(dir)) ?? []) {
    const p = `${dir}/${name}`;
    if ((await host.files.stat(p))?.isDirectory) await removeTree(host, p);
    else await host.files.remove(p);
  }
  await host.exec('rmdir', [dir]);
}

async function migrateSnapshots<Own>(host: Host, root: string, f: LedgerFormat<Own>): Promise<void> {
  const dir = snapshotDir(root);
  // The ledger a snapshot saved, as version 2 at the current path (a damaged one throws).
  const ledgerNow = (s: SnapshotFile): SnapshotFile =>
    s.path === DLAN_PATHS.ledger || s.path === f.old.ledgerFile ? { ...s, path: DLAN_PATHS.ledger, content: s.content && serializeLedger(parseLedger(s.content, s.path, f)) } : s;
  for (const name of (await host.files.list(dir)) ?? []) {
    const oldId = f.old.snapshotId(name);
    if (oldId === null) continue;
    const at = `${dir}/${name}`;
    const folder = (await host.files.stat(at))?.isDirectory;
    try {
      const s = await f.old.readSnapshot(host, at);
      const id = currentSnapshotId(oldId);
      await host.files.write(`${dir}/${id}.json`, serializeSnapshot({ id, ...s, files: s.files.map(ledgerNow) }), { mode: 0o600 });
    } catch (e) {
      host.log.log('warn', `snapshot ${at} is damaged (${(e as Error).message}): set aside as ${name}.damaged`);
      if (!folder) await host.files.write(`${at}.damaged`, (await host.files.read(at)) ?? '', { mode: 0o600 });
      else if ((await host.exec('mv', [at, `${at}.damaged`])).code !== 0) continue;
    }
    if (folder) {
      if ((await host.files.stat(at)) !== null) await removeTree(host, at);
    } else await host.files.remove(at);
  }
}

/** Moves every file below `from` to the same place below `to` (each written, then removed). */
async function moveTree(host: Host, from: string, to: string): Promise<void> {
  for (const name of (await host.files.list(from)) ?? []) {
    const [src, dest] = [`${from}/${name}`, `${to}/${name}`];
    if ((await host.files.stat(src))?.isDirectory) await moveTree(host, src, dest);
    else {
      await host.files.write(dest, (await host.files.read(src)) ?? '', { mode: 0o600 });
      await host.files.remove(src);
    }
  }
}

/** Migrates everything of the backend's old layout below `root` (nothing to: a few reads). */
export async function migrateState<Own>(host: Host, root: string, f: LedgerFormat<Own>): Promise<void> {
  await migrateSnapshots(host, root, f);
  const old = f.old.originals && underRoot(root, f.old.originals);
  if (old && (await host.files.stat(old)) !== null) {
    await moveTree(host, old, underRoot(root, DLAN_PATHS.originals));
    await removeTree(host, old);
  }
  const { ledger, text } = await readLedger(host, root, f);
  const current = await host.files.read(ledgerFile(root));
  if (text !== null && (current === null || (JSON.parse(current) as { version?: unknown }).version !== 2)) {
    await writeLedger(host, root, ledger);
  }
  if (f.old.ledgerFile) await host.files.remove(underRoot(root, f.old.ledgerFile));
}

/** The saved original of `path`, in the old originals folder while not migrated (plan). */
export async function readOriginal<Own>(host: Host, reads: Reads, root: string, path: string, f: LedgerFormat<Own>): Promise<string | null> {
  const now = await readRecorded(host, reads, underRoot(root, `${DLAN_PATHS.originals}${path}`));
  return now ?? (f.old.originals ? readRecorded(host, reads, underRoot(root, `${f.old.originals}${path}`)) : null);
}
