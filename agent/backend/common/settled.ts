// What lets a no-op cycle skip the plan (issue #14 item 5): a plan that found nothing to do
// depended on nothing but the bytes it read, so while those bytes are the same (and the desired
// state is: same commit, agent and router) planning again would find nothing again. The backend
// plans through `recordingHost`, which notes every path read, listed or looked up and a signature
// of what it returned at that moment (so a change during the plan never hides behind a later
// read); the cycle keeps the digest and compares it with `settledDigest` of the same paths.
// Signatures are length + FNV-1a per file (change detection, not security), hashed together
// with SHA-256 so state.json shows nothing of any single file (the router key is one of them).
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeBase64 } from '../../base/base64.ts';
import { fnv1a } from '../../base/fnv1a.ts';
import type { FileStat, Host } from '../../host/host.ts';
import { ascii } from '../../secrets/age-primitives.ts';
import type { Settled } from '../backend.ts';

const textSig = (t: string | null) => (t === null ? '-' : `${t.length}.${fnv1a(t)}`);
const listSig = (names: string[] | null) => (names === null ? '-' : textSig(names.join('/')));
const statSig = (s: FileStat | null) => (s === null ? '-' : s.isDirectory ? 'd' : 'f');

/** The host as the plan sees it, noting `path`, `dir:path` and `stat:path` with what each returned. */
export function recordingHost(host: Host): { host: Host; seen: Map<string, string> } {
  const seen = new Map<string, string>();
  // The same path answering differently within one plan: the plan is never taken as settled.
  const note = (key: string, sig: string) => seen.set(key, seen.has(key) && seen.get(key) !== sig ? '!' : sig);
  const f = host.files;
  const files = {
    ...f,
    read: async (p: string) => {
      const t = await f.read(p);
      note(p, textSig(t));
      return t;
    },
    list: async (d: string) => {
      const n = await f.list(d);
      note(`dir:${d}`, listSig(n));
      return n;
    },
    stat: async (p: string) => {
      const s = await f.stat(p);
      note(`stat:${p}`, statSig(s));
      return s;
    },
  };
  return { host: { ...host, files }, seen };
}

function digestOf(sigs: string[]): string {
  return encodeBase64(sha256(ascii(sigs.join(' '))), false);
}

/** What the plan read, as a Settled (the digest of the signatures it saw). */
export function settledOf(seen: Map<string, string>): Settled {
  return { paths: [...seen.keys()], digest: digestOf([...seen.values()]) };
}

/** The digest of those paths now; compared with a Settled's digest. Throws as Host.files does. */
export async function settledDigest(host: Host, paths: readonly string[]): Promise<string> {
  const sigs: string[] = [];
  for (const key of paths) {
    if (key.startsWith('dir:')) sigs.push(listSig(await host.files.list(key.slice(4))));
    else if (key.startsWith('stat:')) sigs.push(statSig(await host.files.stat(key.slice(5))));
    else sigs.push(textSig(await host.files.read(key)));
  }
  return digestOf(sigs);
}
