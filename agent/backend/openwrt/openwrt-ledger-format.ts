// The OpenWrt ledger for the engine (common/dlan-ledger.ts): its own part (uci-ownership.ts) and
// how the backend kept its state before the one engine, for the migration (common/migrate-state.ts):
// a version 1 ledger.json and the originals under /etc/dlan/original. Its snapshots are already in
// the one format (a restored old one brings a version 1 ledger back: read as such, then migrated).
import * as DLAN_PATHS from '../../base/dlan-paths.ts';
import type { LedgerFormat } from '../common/dlan-ledger.ts';
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
    originals: DLAN_PATHS.legacyOpenwrtOriginals,
  },
};
