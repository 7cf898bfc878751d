// The OpenWrt ledger for the engine (common/dlan-ledger.ts): its own part (uci-ownership.ts) and
// how the backend kept its state before the one engine, for the migration (common/migrate-state.ts):
// a version 1 ledger.json, snapshots `<YYYYMMDDTHHMMSSZ>[-NNN].json` holding the contents, and the
// originals under /etc/dlan/original.
import * as DLAN_PATHS from '../../base/dlan-paths.ts';
import type { LedgerFormat } from '../common/dlan-ledger.ts';
import type { SnapshotFile } from '../common/snapshot-store.ts';
import { noUciOwnership, type PackageLedger, type UciOwnership } from './uci-ownership.ts';

export const OPENWRT_LEDGER: LedgerFormat<UciOwnership> = {
  backend: 'openwrt',
  own: noUciOwnership,
  old: {
    ledger: (raw) =>
      raw.version === 1 && raw.packages && raw.files
        ? {
            version: 2,
            backend: 'openwrt',
            router: (raw.router as string | null) ?? null,
            files: raw.files as Record<string, { originalExisted: boolean }>,
            pendingActions: [],
            ...(raw.rendered ? { rendered: raw.rendered as Record<string, string> } : {}),
            ...(raw.answers ? { answers: raw.answers as Record<string, string[]> } : {}),
            own: { packages: raw.packages as Record<string, PackageLedger>, odhcpdDisabled: raw.odhcpdDisabled === true },
          }
        : null,
    snapshotId: (name) => (/^\d{8}T\d{6}Z(-\d{3})?\.json$/.test(name) ? name.slice(0, -5) : null),
    async readSnapshot(host, path) {
      const old = JSON.parse((await host.files.read(path)) ?? '') as { createdAt: string; reason: string; files: SnapshotFile[] };
      if (!Array.isArray(old.files)) throw new Error('no file list');
      return { backend: 'openwrt', createdMs: Date.parse(old.createdAt) || 0, reason: old.reason, files: old.files };
    },
    originals: DLAN_PATHS.legacyOpenwrtOriginals,
  },
};
