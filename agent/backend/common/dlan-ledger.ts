// The ownership ledger, `<root>/etc/dlan/ledger.json`: what dlan-agent owns on this router, so
// that nothing outside it is ever modified or deleted, and uninstall gives back what it took over.
// One file and one format for both backends (version 2):
//   common   router, the files dlan writes (each with whether an original existed: its bytes are
//            then kept under /etc/dlan/originals), the render record and DNS answers of the last
//            apply (change-cause.ts), the service actions that failed and are retried
//   own part under the backend's name: `openwrt` (UCI packages, odhcpd) or `linux` (interfaces)
// This module alone parses and serializes it. Bytes are stable (keys sorted), so an unchanged
// ledger is never rewritten. A ledger it cannot read (corrupt, unknown, newer, another backend's)
// is a refusal naming the file: never guessed at, never overwritten. The formats before version 2
// (OpenWrt's version 1 at the same path, Linux's linux-ledger.json) are read through the backend's
// OldLayout, converted; common/migrate-state.ts writes them in the new format once.
import * as DLAN_PATHS from '../../base/dlan-paths.ts';
import { underRoot } from '../../base/dlan-paths.ts';
import type { Host } from '../../host/host.ts';
import type { BackendName, ServiceAction } from '../backend.ts';
import type { RenderRecord } from './change-cause.ts';
import { readRecorded, type Reads } from './prepared-change.ts';

export interface OwnedFile {
  /** Whether the file existed before dlan-agent first wrote it (its bytes are then saved). */
  originalExisted: boolean;
}

export interface Ledger<Own> {
  version: 2;
  backend: BackendName;
  /** The router this machine was set up as; `null` before the first apply. */
  router: string | null;
  /** Files dlan writes, by router path. */
  files: Record<string, OwnedFile>;
  /** Actions that failed on the last apply: the next one retries them (it is not a no-op yet). */
  pendingActions: ServiceAction[];
  /** Digest of each target the last apply rendered: tells config, drift and dns apart. */
  rendered?: RenderRecord;
  /** The DNS answers (service upstream and WireGuard endpoint names) the last apply rendered with. */
  answers?: Record<string, string[]>;
  /** The backend's own part (stored under the backend's name). */
  own: Own;
}

export function emptyLedger<Own>(backend: BackendName, own: Own): Ledger<Own> {
  return { version: 2, backend, router: null, files: {}, pendingActions: [], own };
}

/** JSON with object keys sorted at every depth (arrays keep their order): the same ledger, the same bytes. */
function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortedKeys((v as Record<string, unknown>)[k])]));
}

export function serializeLedger<Own>(l: Ledger<Own>): string {
  const { own, ...common } = l;
  return `${JSON.stringify(sortedKeys({ ...common, [l.backend]: own }), null, 2)}\n`;
}

export type RawLedger = Record<string, unknown>;
const isObject = (v: unknown): v is RawLedger => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * What a backend's state looked like before the one engine (issue #14), read by the migration
 * (migrate-state.ts) and by plan until it ran: each backend describes its own, the OpenWrt one is
 * the only one in the router bundle.
 */
export interface OldLayout<Own> {
  /** The ledger in its old format, as version 2; `null`: not that format. */
  ledger(raw: RawLedger): Ledger<Own> | null;
  /** Another path the ledger had (read when ledger.json is absent; removed once migrated). */
  ledgerFile?: string;
  /** Turns the backend's old snapshots into current ones (snapshot-store.ts). */
  migrateSnapshots?(host: Host, root: string): Promise<void>;
  /** Another folder the originals had (moved to /etc/dlan/originals). */
  originals?: string;
}

/** A backend's ledger: its name, its own part when empty, and its old layout. */
export interface LedgerFormat<Own> {
  backend: BackendName;
  own(): Own;
  old: OldLayout<Own>;
}

/**
 * Parses ledger text in the current or the backend's old format (`null` text: none yet). Anything
 * else (not JSON, another backend's, a newer version) throws a clear error naming `file`.
 */
export function parseLedger<Own>(text: string | null, file: string, f: LedgerFormat<Own>): Ledger<Own> {
  if (text === null) return emptyLedger(f.backend, f.own());
  let raw: RawLedger | null = null;
  try {
    raw = JSON.parse(text) as RawLedger;
  } catch {}
  const l = !isObject(raw) ? null : raw.version !== 2 ? f.old.ledger(raw) : raw.backend === f.backend && isObject(raw.files) ? ({ ...emptyLedger(f.backend, { ...f.own(), ...(raw[f.backend] as Own) }), ...raw } as Ledger<Own>) : null;
  if (l) return l;
  const what = isObject(raw) ? `version ${String(raw.version)} of the ${String(raw.backend ?? f.backend)} ledger` : 'not valid JSON';
  throw new Error(`${file} is ${what}: refusing to guess what dlan-agent owns (it reads version 2 of the ${f.backend} ledger)`);
}

export const ledgerFile = (root: string) => underRoot(root, DLAN_PATHS.ledger);

/**
 * The ledger as the router has it, current or old, with its text (`null`: none); the old path
 * when there is no ledger.json yet (not migrated).
 * `reads` (a plan's) records what was read.
 */
export async function readLedger<Own>(host: Host, root: string, f: LedgerFormat<Own>, reads: Reads = new Map()): Promise<{ ledger: Ledger<Own>; text: string | null }> {
  let file = ledgerFile(root);
  let text = await readRecorded(host, reads, file);
  if (text === null && f.old.ledgerFile) {
    file = underRoot(root, f.old.ledgerFile);
    text = await readRecorded(host, reads, file);
  }
  return { ledger: parseLedger(text, file, f), text };
}

/** Writes the ledger when its bytes differ from the file's (an unchanged ledger is not rewritten). */
export async function writeLedger<Own>(host: Host, root: string, l: Ledger<Own>): Promise<void> {
  const text = serializeLedger(l);
  // /etc/dlan exists: every ledger write follows a snapshot (0700).
  if ((await host.files.read(ledgerFile(root))) !== text) await host.files.write(ledgerFile(root), text, { mode: 0o600 });
}
