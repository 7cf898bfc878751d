// An apk-tools v3 (.apk, "ADB") reader for the tests, written from the format description
// (apk-tools doc/apk-v3.5.scd, the field numbers of src/apk_adb.h) independently of
// build/apk/: it shares no code with the writer, so a misunderstanding of the format in one is
// not silently repeated by the other. It is strict: anything a real reader would reject, or that
// apk would read differently (unaligned integers, unsorted paths, a data block out of order, a
// wrong size or sha256, an unknown field), throws.
import { createHash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';

/** Field names by slot number, for each object kind of the package schema. */
const FIELDS = {
  package: ['info', 'paths', 'scripts', 'triggers', 'replaces-priority'],
  info: [
    'name', 'version', 'hashes', 'description', 'arch', 'license', 'origin', 'maintainer', 'url', 'repo-commit', 'build-time',
    'installed-size', 'file-size', 'provider-priority', 'depends', 'provides', 'replaces', 'install-if', 'recommends', 'layer', 'tags',
  ],
  dependency: ['name', 'version', 'match'],
  dir: ['name', 'acl', 'files'],
  file: ['name', 'acl', 'size', 'mtime', 'hash', 'target'],
  acl: ['mode', 'user', 'group', 'xattrs'],
  scripts: ['trigger', 'pre-install', 'post-install', 'pre-deinstall', 'post-deinstall', 'pre-upgrade', 'post-upgrade'],
} as const;

export interface ApkDependency {
  name: string;
  version?: string;
  match?: number;
}
export interface ApkAcl {
  mode: number;
  user: string;
  group: string;
}
export interface ApkEntry {
  name: string;
  acl: ApkAcl;
  size: number;
  mtime: number;
  hash: Buffer;
}
export interface ApkDir {
  /** "" for the root. */
  name: string;
  acl: ApkAcl;
  files: ApkEntry[];
}
export interface ApkPackage {
  schema: string;
  info: Record<string, string | number | Buffer | ApkDependency[]>;
  paths: ApkDir[];
  scripts: Record<string, string>;
  /** Every regular file: absolute path → content (from the data blocks; empty files too). */
  contents: Map<string, Buffer>;
  /** The ADB block's bytes (the database). */
  database: Buffer;
  /** SIG blocks: version (0), hash algorithm (4 = sha512), 16-byte key id, signature. */
  signatures: { version: number; hashAlg: number; keyId: Buffer; signature: Buffer }[];
  blocks: { type: number; size: number }[];
}

class Heap {
  constructor(readonly b: Buffer) {}

  private at(v: number, what: string, align: number, need: number): number {
    const off = v & 0x0fffffff;
    if (off % align !== 0) throw new Error(`adb: ${what} at ${off} is not ${align}-byte aligned`);
    if (off + need > this.b.length) throw new Error(`adb: ${what} at ${off} runs past the database`);
    return off;
  }

  typeOf(v: number): number {
    return v >>> 28;
  }

  int(v: number): number {
    switch (v >>> 28) {
      case 0x1:
        return v & 0x0fffffff;
      case 0x2:
        return this.b.readUInt32LE(this.at(v, 'int32', 4, 4));
      default:
        throw new Error(`adb: value 0x${(v >>> 0).toString(16)} is not an integer`);
    }
  }

  bytes(v: number): Buffer {
    const kind = v >>> 28;
    const lenSize = kind === 0x8 ? 1 : kind === 0x9 ? 2 : kind === 0xa ? 4 : 0;
    if (!lenSize) throw new Error(`adb: value 0x${(v >>> 0).toString(16)} is not a blob`);
    const off = this.at(v, 'blob', lenSize, lenSize);
    const len = lenSize === 1 ? this.b[off]! : lenSize === 2 ? this.b.readUInt16LE(off) : this.b.readUInt32LE(off);
    if (off + lenSize + len > this.b.length) throw new Error('adb: blob runs past the database');
    return this.b.subarray(off + lenSize, off + lenSize + len);
  }

  /** Slots 1.. of an object or array (index 0 of the result is slot 1). */
  slots(v: number, kind: 0xd | 0xe): number[] {
    if (v >>> 28 !== kind) throw new Error(`adb: expected ${kind === 0xd ? 'an array' : 'an object'}, got type 0x${(v >>> 28).toString(16)}`);
    const off = this.at(v, 'slot table', 4, 4);
    const count = this.b.readUInt32LE(off);
    if (count < 1) throw new Error('adb: slot table with no count');
    this.at(v, 'slot table', 4, 4 * count);
    const out: number[] = [];
    for (let i = 1; i < count; i++) out.push(this.b.readUInt32LE(off + 4 * i));
    return out;
  }
}

/** An object's set fields by name; an unknown slot is an error (a field in the wrong place). */
function fields(heap: Heap, v: number, names: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  if (v === 0) return out;
  heap.slots(v, 0xe).forEach((val, i) => {
    if (val === 0) return;
    const name = names[i];
    if (name === undefined) throw new Error(`adb: slot ${i + 1} is not a field of this object (${names.join(', ')})`);
    out.set(name, val);
  });
  return out;
}

const items = (heap: Heap, v: number) => (v === 0 ? [] : heap.slots(v, 0xd));
const text = (heap: Heap, v: number | undefined) => (v === undefined ? '' : heap.bytes(v).toString('utf8'));

function readAcl(heap: Heap, v: number | undefined): ApkAcl {
  const f = fields(heap, v ?? 0, FIELDS.acl);
  if (f.has('xattrs')) throw new Error('adb: unexpected xattrs');
  return { mode: f.has('mode') ? heap.int(f.get('mode')!) : 0, user: text(heap, f.get('user')), group: text(heap, f.get('group')) };
}

function readDependencies(heap: Heap, v: number): ApkDependency[] {
  return items(heap, v).map((d) => {
    const f = fields(heap, d, FIELDS.dependency);
    const dep: ApkDependency = { name: text(heap, f.get('name')) };
    if (f.has('version')) dep.version = text(heap, f.get('version'));
    if (f.has('match')) dep.match = heap.int(f.get('match')!);
    return dep;
  });
}

const sortedByBytes = (names: string[]) => names.every((n, i) => i === 0 || Buffer.compare(Buffer.from(names[i - 1]!), Buffer.from(n)) < 0);

export function readApk(file: Buffer): ApkPackage {
  if (file.subarray(0, 4).toString('latin1') !== 'ADBd') throw new Error('apk: not a deflate-compressed ADB file (no "ADBd")');
  const s = inflateRawSync(file.subarray(4));
  if (s.subarray(0, 4).toString('latin1') !== 'ADB.') throw new Error('apk: no "ADB." file header inside');
  const schema = s.subarray(4, 8).toString('latin1');

  const blocks: { type: number; payload: Buffer }[] = [];
  for (let pos = 8; pos < s.length; ) {
    if (pos + 4 > s.length) throw new Error('apk: truncated block header');
    const word = s.readUInt32LE(pos);
    const type = word >>> 30;
    const raw = word & 0x3fffffff;
    if (type === 3) throw new Error('apk: extended blocks are not expected in a small package');
    if (raw < 4) throw new Error(`apk: block at ${pos} shorter than its header`);
    const end = pos + Math.ceil(raw / 8) * 8;
    if (end > s.length) throw new Error(`apk: block at ${pos} runs past the end`);
    if (s.subarray(pos + raw, end).some((b) => b !== 0)) throw new Error(`apk: non-zero padding after block at ${pos}`);
    blocks.push({ type, payload: s.subarray(pos + 4, pos + raw) });
    pos = end;
  }
  // One ADB block first, then signatures, then data blocks only.
  if (blocks[0]?.type !== 0) throw new Error('apk: the first block is not the ADB block');
  const order = blocks.map((b) => b.type).join('');
  if (!/^01*2*$/.test(order)) throw new Error(`apk: block order ${order} (0 = adb, 1 = sig, 2 = data)`);

  const database = blocks[0].payload;
  if (database.length < 8 || database[0] !== 0) throw new Error('apk: ADB header missing or compat version not 0');
  const heap = new Heap(database);
  const pkg = fields(heap, database.readUInt32LE(4), FIELDS.package);

  const infoFields = fields(heap, pkg.get('info') ?? 0, FIELDS.info);
  const info: ApkPackage['info'] = {};
  for (const [name, v] of infoFields) {
    if (name === 'depends' || name === 'provides' || name === 'replaces' || name === 'install-if' || name === 'recommends') info[name] = readDependencies(heap, v);
    else if (name === 'hashes' || name === 'repo-commit') info[name] = Buffer.from(heap.bytes(v));
    else if (heap.typeOf(v) === 0x1 || heap.typeOf(v) === 0x2) info[name] = heap.int(v);
    else info[name] = text(heap, v);
  }

  const paths: ApkDir[] = items(heap, pkg.get('paths') ?? 0).map((d) => {
    const f = fields(heap, d, FIELDS.dir);
    return {
      name: text(heap, f.get('name')),
      acl: readAcl(heap, f.get('acl')),
      files: items(heap, f.get('files') ?? 0).map((e) => {
        const g = fields(heap, e, FIELDS.file);
        if (g.has('target')) throw new Error('apk: unexpected link or device entry');
        return {
          name: text(heap, g.get('name')),
          acl: readAcl(heap, g.get('acl')),
          size: g.has('size') ? heap.int(g.get('size')!) : 0,
          mtime: g.has('mtime') ? heap.int(g.get('mtime')!) : 0,
          hash: Buffer.from(heap.bytes(g.get('hash') ?? 0)),
        };
      }),
    };
  });
  if (!sortedByBytes(paths.map((p) => p.name))) throw new Error('apk: paths are not sorted by name');
  for (const p of paths) if (!sortedByBytes(p.files.map((f) => f.name))) throw new Error(`apk: files of "${p.name}" are not sorted`);

  const scripts: Record<string, string> = {};
  for (const [name, v] of fields(heap, pkg.get('scripts') ?? 0, FIELDS.scripts)) scripts[name] = text(heap, v);

  // Data blocks: one per non-empty file, in path/file order, each checked against size and sha256.
  const contents = new Map<string, Buffer>();
  const expected: { i: number; j: number; path: string; entry: ApkEntry }[] = [];
  paths.forEach((p, i) =>
    p.files.forEach((entry, j) => {
      const path = `${p.name ? `/${p.name}` : ''}/${entry.name}`;
      if (entry.size === 0) contents.set(path, Buffer.alloc(0));
      else expected.push({ i: i + 1, j: j + 1, path, entry });
    }),
  );
  const data = blocks.filter((b) => b.type === 2);
  if (data.length !== expected.length) throw new Error(`apk: ${data.length} data blocks for ${expected.length} non-empty files`);
  data.forEach((b, k) => {
    const want = expected[k]!;
    const i = b.payload.readUInt32LE(0);
    const j = b.payload.readUInt32LE(4);
    if (i !== want.i || j !== want.j) throw new Error(`apk: data block ${k} is for path ${i} file ${j}, expected ${want.i}/${want.j} (${want.path})`);
    const body = b.payload.subarray(8);
    if (body.length !== want.entry.size) throw new Error(`apk: ${want.path}: ${body.length} bytes, the database says ${want.entry.size}`);
    const digest = createHash(want.entry.hash.length === 32 ? 'sha256' : 'sha512').update(body).digest();
    if (!digest.equals(want.entry.hash)) throw new Error(`apk: ${want.path}: content does not match its hash`);
    contents.set(want.path, Buffer.from(body));
  });

  const signatures = blocks
    .filter((b) => b.type === 1)
    .map((b) => {
      if (b.payload.length < 18) throw new Error('apk: signature block shorter than its header');
      return { version: b.payload[0]!, hashAlg: b.payload[1]!, keyId: Buffer.from(b.payload.subarray(2, 18)), signature: Buffer.from(b.payload.subarray(18)) };
    });
  return { schema, info, paths, scripts, contents, database: Buffer.from(database), signatures, blocks: blocks.map((b) => ({ type: b.type, size: b.payload.length })) };
}
