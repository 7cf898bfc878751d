// An apply in progress, on flash: `/etc/dlan/apply-intent.json` names the snapshot taken before
// the apply's first write. It is written before anything changes (originals, uci commit, files,
// the ledger) and removed once the ledger is written, so at every moment the router is either
// consistent (old or new config, each with its ledger) or the intent says which snapshot makes it
// consistent again:
//  - an error in between (ENOSPC, a failed commit) puts that snapshot back at once, then reports;
//  - a death in between (SIGKILL, power cut) leaves the intent: the GitOps rollback (or `restore`)
//    puts a snapshot back, which removes it; until then a plan refuses, naming the command.
import * as DLAN_PATHS from '../../base/dlan-paths.ts';
import { underRoot } from '../../base/dlan-paths.ts';
import type { Host } from '../../host/host.ts';
import { restoreSnapshotFiles, type Snapshot } from './snapshot-store.ts';

export const intentFile = (root: string) => underRoot(root, DLAN_PATHS.applyIntent);

/** Runs an apply's writes under an intent naming `snap`; on an error, `undo` (the snapshot's files by default) puts the router back first. */
export async function underIntent(host: Host, root: string, snap: Snapshot, write: () => Promise<void>, undo: () => Promise<unknown> = () => restoreSnapshotFiles(host, root, snap)): Promise<void> {
  await host.files.write(intentFile(root), `${JSON.stringify({ snapshot: snap.id })}\n`, { mode: 0o600 });
  try {
    await write();
  } catch (e) {
    // Refused before changing anything (a failed uci batch): putting the snapshot back would only
    // undo what someone else changed meanwhile.
    if ((e as { nothingChanged?: boolean }).nothingChanged) {
      await host.files.remove(intentFile(root));
      throw e;
    }
    const why = e instanceof Error ? e.message : String(e);
    const back = await undo().then(
      () => `put back as it was (snapshot ${snap.id})`,
      (u: unknown) => `and putting it back failed too (${u instanceof Error ? u.message : String(u)}): run \`dlan-agent restore --snapshot ${snap.id}\``,
    );
    throw new Error(`${why}; ${back}`);
  }
  await host.files.remove(intentFile(root));
}

/** Before planning: an apply that died half way is put back first, never planned over. */
export async function refuseInterrupted(host: Host, root: string): Promise<void> {
  const text = await host.files.read(intentFile(root));
  if (text === null) return;
  const id = /"snapshot":"([^"]*)"/.exec(text)?.[1] ?? '';
  throw new Error(`an apply was interrupted (${intentFile(root)}): the router may be half changed; \`dlan-agent restore --snapshot ${id}\` puts it back, then apply again`);
}
