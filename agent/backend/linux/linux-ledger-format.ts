// The Linux ledger for the engine (common/dlan-ledger.ts): its own part (net-ownership.ts) and how
// the backend kept its state before the one engine, for the migration (common/migrate-state.ts):
// /etc/dlan/linux-ledger.json (schema 1) and snapshots as folders `<id>/manifest.json` + `files/`.
import * as DLAN_PATHS from '../../base/dlan-paths.ts';
import type { ServiceAction } from '../backend.ts';
import type { LedgerFormat } from '../common/dlan-ledger.ts';
import type { SnapshotFile } from '../common/snapshot-store.ts';
import { noNetOwnership, type NetOwnership } from './net-ownership.ts';

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
    // Folders, named by id; the current snapshots are files `<id>.json`.
    snapshotId: (name) => (/^\d{8}T\d{9}Z(-\d+)?$/.test(name) ? name : null),
    async readSnapshot(host, dir) {
      const m = JSON.parse((await host.files.read(`${dir}/manifest.json`)) ?? '') as { createdMs: number; files: { path: string; existed: boolean; mode: number | null }[] };
      const files: SnapshotFile[] = [];
      for (const f of m.files) {
        const content = f.existed ? await host.files.read(`${dir}/files${f.path}`) : null;
        if (f.existed && content === null) throw new Error(`files${f.path} is missing`);
        files.push({ path: f.path, content, mode: f.mode });
      }
      return { backend: 'linux', createdMs: m.createdMs, reason: 'apply', files };
    },
  },
};
