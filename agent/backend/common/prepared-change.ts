// How a backend hands a plan to apply without re-planning: the public plan object is the key of
// a WeakMap holding what only apply needs (rendered content with keys in it, uci commands, the
// bytes plan read). JSON.stringify of the plan therefore never shows a secret, and a plan made
// by another backend, copied, or already applied is refused instead of half-understood.
import type { Host } from '../../host/host.ts';
import type { BackendName, Plan, PreparedChange } from '../backend.ts';
import { StalePlanError } from '../backend.ts';
import { fnv1a } from '../../base/fnv1a.ts';

/** What plan read: absolute path → content (`null`: absent). Directory listings use `dir:<path>`. */
export type Reads = Map<string, string | null>;

/** Reads beyond files (e.g. the interfaces of a namespace): returns what differs now. */
export type Recheck = () => Promise<string[]>;

interface Held {
  backend: BackendName;
  reads: Reads;
  recheck: Recheck | null;
  internal: unknown;
}

const held = new WeakMap<PreparedChange, Held>();

export function prepare<T>(plan: Plan, reads: Reads, internal: T, recheck: { digest: string; changed: Recheck } | null = null): PreparedChange {
  const prepared: PreparedChange = { ...plan, fingerprint: fnv1a(JSON.stringify([...reads, recheck?.digest])) };
  held.set(prepared, { backend: plan.backend, reads, recheck: recheck?.changed ?? null, internal });
  return prepared;
}

async function readNow(host: Host, key: string): Promise<string | null> {
  if (!key.startsWith('dir:')) return host.files.read(key);
  return (await host.files.list(key.slice(4)))?.join('\n') ?? null;
}

/**
 * The internal plan of a prepared change, once: throws when this backend did not make it or it
 * was applied already, and StalePlanError when a byte plan read differs now (nothing written).
 */
export async function takePrepared<T>(host: Host, backend: BackendName, prepared: PreparedChange): Promise<T> {
  const h = held.get(prepared);
  if (!h || h.backend !== backend) throw new Error(`not a plan of the ${backend} backend, or applied already: plan again`);
  held.delete(prepared);
  const changed: string[] = [];
  for (const [key, before] of h.reads) {
    if ((await readNow(host, key)) !== before) changed.push(key);
  }
  if (h.recheck) changed.push(...(await h.recheck()));
  if (changed.length > 0) throw new StalePlanError(changed);
  return h.internal as T;
}

/** Reads a file and records what was read. */
export async function readRecorded(host: Host, reads: Reads, path: string): Promise<string | null> {
  const text = await host.files.read(path);
  reads.set(path, text);
  return text;
}

export async function listRecorded(host: Host, reads: Reads, dir: string): Promise<string[] | null> {
  const names = await host.files.list(dir);
  reads.set(`dir:${dir}`, names?.join('\n') ?? null);
  return names;
}
