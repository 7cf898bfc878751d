// The Linux ledger for the engine (common/dlan-ledger.ts): its own part (net-ownership.ts) and how
// the backend kept its state before the one engine, for the migration (common/migrate-state.ts):
// /etc/dlan/linux-ledger.json (schema 1) and snapshots as folders `<YYYYMMDDTHHMMSSmmmZ>[-N]/`
// holding manifest.json and `files/<path>`.
import * as DLAN_PATHS from '../../base/dlan-paths.ts';
import type { Host } from '../../host/host.ts';
import type { ServiceAction } from '../backend.ts';
import { parseLedger, serializeLedger, type LedgerFormat } from '../common/dlan-ledger.ts';
import { serializeSnapshot, snapshotDir, type SnapshotFile } from '../common/snapshot-store.ts';
import { noNetOwnership, type NetOwnership } from './net-ownership.ts';

const OLD_SNAPSHOT = /^(\d{8}T\d{6})(\d{3})Z(?:-(\d+))?$/;

/**
 * The id of an old snapshot folder: the milliseconds become the first `-NNN` part, so old ids keep
 * their order and every snapshot taken after them sorts after (snapshotId); others unchanged.
 */
export function currentLinuxSnapshotId(id: string): string {
  const m = OLD_SNAPSHOT.exec(id);
  return m ? `${m[1]}Z-${m[2]}${m[3] ? `-${m[3].padStart(3, '0')}` : ''}` : id;
}

/** An old snapshot folder as a current snapshot (throws when it is damaged). */
async function readOldSnapshot(host: Host, dir: string, id: string) {
  const m = JSON.parse((await host.files.read(`${dir}/manifest.json`)) ?? '') as { createdMs: number; files: { path: string; existed: boolean; mode: number | null }[] };
  const files: SnapshotFile[] = [];
  for (const f of m.files) {
    let content = f.existed ? await host.files.read(`${dir}/files${f.path}`) : null;
    if (f.existed && content === null) throw new Error(`files${f.path} is missing`);
    // The ledger it saved, as version 2 at the current path: restoring it gives one this agent reads.
    let path = f.path;
    if (path === DLAN_PATHS.legacyLinuxLedger) {
      path = DLAN_PATHS.ledger;
      content = content && serializeLedger(parseLedger(content, `${dir}/files${f.path}`, LINUX_LEDGER));
    }
    files.push({ path, content, mode: f.mode });
  }
  return { id, createdAt: new Date(m.createdMs).toISOString(), reason: 'apply', files };
}

/**
 * Each old folder becomes `<id>.json`, written before the folder is removed; a folder that cannot
 * be read is set aside as `<name>.damaged` with a warning, never stopping the apply.
 */
async function migrateSnapshots(host: Host, root: string): Promise<void> {
  const dir = snapshotDir(root);
  for (const name of (await host.files.list(dir)) ?? []) {
    if (!OLD_SNAPSHOT.test(name)) continue;
    const at = `${dir}/${name}`;
    try {
      const id = currentLinuxSnapshotId(name);
      await host.files.write(`${dir}/${id}.json`, serializeSnapshot(await readOldSnapshot(host, at, id)), { mode: 0o600 });
      await host.exec('rm', ['-rf', at]);
    } catch (e) {
      host.log.log('warn', `snapshot ${at} is damaged (${(e as Error).message}): set aside as ${name}.damaged, not restorable`);
      await host.exec('mv', [at, `${at}.damaged`]);
    }
  }
}

export const LINUX_LEDGER: LedgerFormat<NetOwnership> = {
  backend: 'linux',
  own: noNetOwnership,
  old: {
    ledger(raw) {
      if (raw.schema !== 1 || raw.backend !== 'linux') return null;
      const old = { ...noNetOwnership(), files: [] as string[], takenOver: [] as string[], pendingActions: [] as ServiceAction[], ...raw };
      return {
        version: 2,
        backend: 'linux',
        router: null,
        files: Object.fromEntries(old.files.map((p) => [p, { originalExisted: old.takenOver.includes(p) }])),
        pendingActions: old.pendingActions,
        ...(raw.rendered ? { rendered: raw.rendered as Record<string, string> } : {}),
        ...(raw.answers ? { answers: raw.answers as Record<string, string[]> } : {}),
        own: { devices: old.devices, addresses: old.addresses, routes: old.routes, endpoints: old.endpoints },
      };
    },
    ledgerFile: DLAN_PATHS.legacyLinuxLedger,
    migrateSnapshots,
  },
};
